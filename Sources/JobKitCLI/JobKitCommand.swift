import ArgumentParser

/// `jobkit`: the root command.
struct JobKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobkit",
        abstract: "Runs periodic jobs on a fleet of machines so that the same job never overlaps.",
        subcommands: [RunCommand.self, ValidateCommand.self, LocksCommand.self, MigrateCommand.self, OnceCommand.self],
        defaultSubcommand: nil
    )
}
