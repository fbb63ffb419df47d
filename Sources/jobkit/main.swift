import JobKitCLI

print("jobkit: the scheduler commands are not wired yet")
