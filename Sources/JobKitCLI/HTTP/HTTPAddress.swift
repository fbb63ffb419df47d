import ArgumentParser

/// Where `jobkit run --http` listens: `PORT`, `:PORT`, `HOST:PORT` or `[IPv6]:PORT`. Without
/// a host it is `127.0.0.1`, so nothing beyond this machine reaches it unless asked.
struct HTTPAddress: Sendable, Hashable, CustomStringConvertible, ExpressibleByArgument {
    /// The address to bind.
    let host: String
    /// The TCP port; 0 lets the system choose.
    let port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        var host = "127.0.0.1"
        var portText = Substring(argument)
        if argument.hasPrefix("["), let close = argument.firstIndex(of: "]") {
            host = String(argument[argument.index(after: argument.startIndex)..<close])
            let rest = argument[argument.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else if let colon = argument.lastIndex(of: ":") {
            let named = argument[..<colon]
            if !named.isEmpty { host = String(named) }
            portText = argument[argument.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        self.init(host: host, port: port)
    }

    /// Whether only this machine can connect: `127.x.x.x`, `::1` or `localhost`.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static var defaultValueDescription: String { "off" }
}
