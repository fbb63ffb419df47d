import JobKitCLI

await JobKitCLI.main()
