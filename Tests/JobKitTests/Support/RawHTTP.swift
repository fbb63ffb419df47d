import Dispatch
import Foundation

/// A minimal HTTP/1.1 client over a blocking POSIX socket, so tests send exactly the bytes
/// they mean (oversized headers, a request that never ends) to a real server on loopback.
/// Each call runs on a Dispatch thread, off Swift's cooperative pool, with a receive timeout.
struct RawHTTP: Sendable {
    /// A response: status code (0 when the server closed without answering), and body.
    struct Response: Sendable, CustomStringConvertible {
        let status: Int
        let headers: String
        let body: String
        var description: String { "HTTP \(status)\n\(body)" }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int

    /// `GET path` with `Connection: close`; `extraHeaders` are added as they are.
    func get(_ path: String, extraHeaders: String = "") async throws -> Response {
        try await send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extraHeaders)Connection: close\r\n\r\n")
    }

    /// Sends `request` and reads until the server closes the connection.
    func send(_ request: String, timeout: Duration = .seconds(30)) async throws -> Response {
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.exchange(request, port: port, timeout: timeout) })
            }
        }
    }

    /// Opens a connection and sends `bytes` without finishing the request: a slow client.
    /// Returns the socket; the caller closes it.
    func openSlowConnection(sending bytes: String) throws -> Int32 {
        let socket = try Self.connect(port: port, timeout: .seconds(30))
        _ = bytes.withCString { write(socket, $0, strlen($0)) }
        return socket
    }

    private static func connect(port: Int, timeout: Duration) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connecting to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    private static func exchange(_ request: String, port: Int, timeout: Duration) throws -> Response {
        let fd = try connect(port: port, timeout: timeout)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            if written <= 0 { break }   // the server may close early on a bad request; read what it said
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno == ECONNRESET {
                break
            } else {
                throw Failure(description: "reading from 127.0.0.1:\(port) failed: errno \(errno)")
            }
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return Response(status: 0, headers: text, body: "") }
        let head = String(text[..<headerEnd.lowerBound])
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Response(status: status, headers: head, body: String(text[headerEnd.upperBound...]))
    }
}
