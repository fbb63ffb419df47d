import ArgumentParser

/// `jobkit`: the root command.
struct JobKitCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
        commandName: JobKitCLI.commandName,
        abstract: "Runs periodic jobs on a fleet of machines so that the same job never overlaps.",
        subcommands: [
            RunCommand.self, ValidateCommand.self, StatusCommand.self, HistoryCommand.self, LocksCommand.self,
            MigrateCommand.self, OnceCommand.self, PauseCommand.self, ResumeCommand.self, TriggerCommand.self,
        ],
        defaultSubcommand: nil
        )
    }
}
