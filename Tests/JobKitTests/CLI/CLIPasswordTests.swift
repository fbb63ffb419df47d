import Foundation
import Testing

extension CLI {
    /// Keeping the database password off command lines, where every user sees it in `ps`: a
    /// warning when `--database-url` holds one, and the safer ways, each shown to work against
    /// the test server.
    @Suite struct PasswordTests {
        /// The test server's URL, its password, and the URL without the password.
        struct Server {
            let url: String
            let password: String
            let withoutPassword: String
            let host: String
            let port: Int

            init() throws {
                url = try TestDatabase.url
                var components = try #require(URLComponents(string: url))
                password = try #require(components.password)
                host = try #require(components.host)
                port = try #require(components.port)
                components.password = nil
                withoutPassword = try #require(components.string)
            }

            /// A libpq password file for the server, readable by its owner only.
            func passfile(in directory: TemporaryDirectory) throws -> String {
                let path = try CLI.writeFile(in: directory, name: "pgpass", "\(host):\(port):*:*:\(password)\n")
                #expect(chmod(path, 0o600) == 0)
                return path
            }
        }

        static let warning = "warning: --database-url holds a password"

        @Test func aPasswordInDatabaseURLGetsAWarningNamingSaferWays() async throws {
            let server = try Server()
            let list = try await JobKitProcess.run(["locks", "list", "--database-url", server.url])
            #expect(try await list.waitForExit() == 0, "\(list.allOutput)")
            #expect(list.stderr.contains(Self.warning), "\(list.stderr)")
            for way in ["JOBKIT_DATABASE_URL", "--database-url-file", "~/.pgpass", "PGPASSFILE", "passfile="] {
                #expect(list.stderr.contains(way), "the warning names \(way): \(list.stderr)")
            }
            #expect(!list.allOutput.contains(server.password), "the warning does not repeat the password")
        }

        @Test func databaseURLFileKeepsThePasswordOffTheCommandLine() async throws {
            let server = try Server()
            let directory = try TemporaryDirectory()
            let file = try CLI.writeFile(in: directory, name: "database-url", server.url + "\n")
            let list = try await JobKitProcess.run(["locks", "list", "--database-url-file", file])
            #expect(try await list.waitForExit() == 0, "\(list.allOutput)")
            #expect(!list.stderr.contains(Self.warning))

            let both = try await JobKitProcess.run(["locks", "list", "--database-url-file", file, "--database-url", "memory:"])
            #expect(try await both.waitForExit() != 0)
            #expect(both.stderr.contains("not both"), "\(both.stderr)")

            let missing = try await JobKitProcess.run(["locks", "list", "--database-url-file", directory.path("nope")])
            #expect(try await missing.waitForExit() != 0)
            #expect(missing.stderr.contains("cannot be read"), "\(missing.stderr)")
        }

        @Test func theEnvironmentVariableGetsNoWarning() async throws {
            let server = try Server()
            let list = try await JobKitProcess.run(["locks", "list"], environment: ["JOBKIT_DATABASE_URL": server.url])
            #expect(try await list.waitForExit() == 0, "\(list.allOutput)")
            #expect(!list.stderr.contains(Self.warning))
        }

        @Test func libpqsPasswordFileWorksThroughPassfileAndPGPASSFILE() async throws {
            let server = try Server()
            let directory = try TemporaryDirectory()
            let passfile = try server.passfile(in: directory)
            let noPassfile = ["PGPASSFILE": directory.path("no-such-pgpass")]

            // Without a password anywhere, the server refuses: the password file is what works below.
            let refused = try await JobKitProcess.run(
                ["locks", "list", "--database-url", server.withoutPassword], environment: noPassfile
            )
            #expect(try await refused.waitForExit() == 1, "\(refused.allOutput)")

            let query = server.withoutPassword + "?passfile=" + passfile
            let viaURL = try await JobKitProcess.run(["locks", "list", "--database-url", query])
            #expect(try await viaURL.waitForExit() == 0, "\(viaURL.allOutput)")
            #expect(!viaURL.stderr.contains(Self.warning))

            let viaEnvironment = try await JobKitProcess.run(
                ["locks", "list", "--database-url", server.withoutPassword], environment: ["PGPASSFILE": passfile]
            )
            #expect(try await viaEnvironment.waitForExit() == 0, "\(viaEnvironment.allOutput)")
        }
    }
}
