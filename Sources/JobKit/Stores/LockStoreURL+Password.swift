extension LockStoreURL {
    /// Whether `url` carries a password (`user:password@` in a URL, or a `password=` query
    /// parameter or keyword). A password on a command line is visible to every user of the
    /// machine (`ps`, `/proc/PID/cmdline`), so `jobkit` warns when `--database-url` has one.
    public static func containsPassword(_ url: String) -> Bool {
        ConnectionString.redacted(url) != url
    }

    /// Where a password can go instead of a command line, as a warning names them.
    public static let saferPasswordSources =
        "set JOBKIT_DATABASE_URL, pass --database-url-file FILE, or keep the password in libpq's password file "
        + "(~/.pgpass, or the file PGPASSFILE or the URL's passfile= names)"
}
