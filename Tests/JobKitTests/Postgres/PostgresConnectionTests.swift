import Foundation
@_spi(Testing) import JobKit
import Testing

/// Bad URLs, bad credentials, unreachable servers and restarts: each a clear error that never
/// shows the password, and a restart that the next call survives.
@Suite struct PostgresConnectionTests {
    static let secret = "s3cr3t-Pa55word"

    private func request(_ id: String) -> LockRequest {
        LockRequest(lockID: id, owner: "connection-tests", ttl: .seconds(60), liveness: .seconds(30))
    }

    @Test func aWrongPasswordIsAClearErrorWithoutThePassword() throws {
        let good = try #require(URLComponents(string: TestDatabase.url))
        var bad = good
        bad.password = Self.secret
        let store = try PostgresLockStore(url: bad.string!)
        let error = try #require(throws: PostgresError.self) { try store.acquire(request("wrong-password")) }
        #expect(error.code == .connectionFailed)
        #expect(error.sqlState == "28P01")
        #expect("\(error)".contains("password authentication failed"))
        #expect(!"\(error)".contains(Self.secret))
        #expect("\(error)".contains("127.0.0.1:\(good.port!)"), "the message names the server")
    }

    @Test func anUnreachableHostIsAClearErrorWithoutThePassword() throws {
        let port = try closedLoopbackPort()
        let store = try PostgresLockStore(url: "postgres://jobkit:\(Self.secret)@127.0.0.1:\(port)/jobkit")
        let error = try #require(throws: PostgresError.self) { try store.acquire(request("unreachable")) }
        #expect(error.code == .connectionFailed)
        #expect(error.isConnectionFailure)
        #expect("\(error)".contains("Connection refused") || "\(error)".contains("connection refused"))
        #expect(!"\(error)".contains(Self.secret))
    }

    @Test(arguments: [
        "postgres://jobkit:\(secret)@127.0.0.1:notaport/db",
        "postgresql://jobkit:\(secret)@[::1/db",
        "postgres://jobkit:\(secret)@host/db?sslmode=sometimes&bogus_option=1",
        "host=127.0.0.1 password='\(secret)' port=",
    ])
    func aMalformedURLIsAClearErrorWithoutThePassword(url: String) throws {
        let error = try #require(throws: PostgresError.self) {
            let store = try PostgresLockStore(url: url)
            _ = try store.acquire(request("malformed"))
        }
        #expect([.invalidConnectionString, .connectionFailed].contains(error.code))
        #expect(!"\(error)".contains(Self.secret), "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func theURLFactoryRejectsUnknownSchemesWithoutThePassword() {
        let error = #expect(throws: LockStoreURLError.self) {
            _ = try LockStoreURL.makeStore("mysql://root:\(Self.secret)@db/jobs")
        }
        #expect(error.map { "\($0)" }?.contains(Self.secret) == false)
        #expect(error.map { "\($0)" }?.contains("postgres://") == true, "it lists the accepted forms")
    }

    /// A loopback port with nothing listening on it.
    private func closedLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else {
                    throw POSIXError(.EADDRINUSE)
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))   // closed again before it is used
    }
}
