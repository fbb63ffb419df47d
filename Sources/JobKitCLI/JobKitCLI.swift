/// The `jobkit` commands as a library: a user package builds the same command-line tool with
/// its own job types registered next to the built-in ones.
public enum JobKitCLI {}
