import Foundation
import Hummingbird
import HummingbirdCore
import JobKit
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP service of `jobkit run --http`: `/metrics`, `/healthz`, `/readyz`, `/api/status`
/// and the status page at `/`. Handlers only read library state (the scheduler's health, the
/// store's ledger and locks, the metrics registry) and render it.
///
/// `jobkit run --http` builds one; a binary that runs ``Scheduler`` in its own `ServiceGroup`
/// puts ``service()`` in the group's services *before* the scheduler, so that on a graceful
/// shutdown the scheduler stops first while `/healthz` answers 503, then the server.
public struct MonitoringServer: Sendable {
    let address: HTTPAddress
    let scheduler: Scheduler
    let jobs: [JobDefinition]
    let store: any LockStore
    /// How old the store's last answer may be for `/readyz` to say ready without asking it.
    var readinessInterval: Duration = .seconds(15)
    let logger: Logger

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - host: the address to listen on; by default loopback only. Another address logs
    ///     `http.exposed`.
    ///   - port: the TCP port; 0 lets the system choose (`http.started` names it).
    ///   - scheduler: whose health `/healthz` and `/readyz` report.
    ///   - jobs: the jobs `/api/status` and the page show (a jobs file's ``JobsFile/jobs``).
    ///   - store: where their runs and locks are read.
    ///   - logger: where `http.started` and `http.exposed` go.
    public init(
        host: String = "127.0.0.1", port: Int, scheduler: Scheduler, jobs: [JobDefinition], store: any LockStore,
        logger: Logger
    ) {
        self.init(address: HTTPAddress(host: host, port: port), scheduler: scheduler, jobs: jobs, store: store, logger: logger)
    }

    init(address: HTTPAddress, scheduler: Scheduler, jobs: [JobDefinition], store: any LockStore, logger: Logger) {
        self.address = address
        self.scheduler = scheduler
        self.jobs = jobs
        self.store = store
        self.logger = logger
    }

    /// The server as a `Service`, for the scheduler's `ServiceGroup`.
    public func service() -> some Service {
        application()
    }

    /// The Hummingbird application: a `Service` to run in the scheduler's `ServiceGroup`.
    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in
            Self.text(.ok, JobKitPrometheus.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/healthz") { _, _ in
            Self.probe(ProbeAnswer.health(scheduler.health))
        }
        router.get("/readyz") { _, _ in
            Self.probe(await ProbeAnswer.readiness(of: scheduler, interval: readinessInterval))
        }
        router.get("/api/status") { _, _ in
            do {
                let report = try await JobStatusReport.read(jobs, from: store)
                return Self.text(.ok, try LedgerOutput.json(report), type: "application/json")
            } catch {
                let body = try LedgerOutput.json(["error": "The store cannot be read: \(error)"])
                return Self.text(.serviceUnavailable, body, type: "application/json")
            }
        }
        router.get("/") { _, _ in
            let page = await StatusPageData.read(jobs: jobs, store: store, scheduler: scheduler)
            return Self.text(.ok, StatusPage(data: page).html, type: "text/html; charset=utf-8")
        }
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100
        )
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(30), httpDecoderConfiguration: decoder)),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "jobkit",
                availableConnectionsDelegate: MaximumAvailableConnections(64)
            ),
            onServerRunning: { channel in
                let bound = HTTPAddress(host: address.host, port: channel.localAddress?.port ?? address.port)
                logger.jobEvent(
                    .httpStarted, level: .info,
                    "Serving /metrics, /healthz, /readyz, /api/status and the status page on http://\(bound)/.",
                    [LogKeys.address: .string(bound.description)]
                )
                if !address.isLoopback {
                    logger.jobEvent(
                        .httpExposed, level: .warning,
                        "The HTTP server listens on \(bound), beyond this machine: whoever reaches it reads the status page and metrics.",
                        [LogKeys.address: .string(bound.description)]
                    )
                }
            },
            logger: Logger(label: "jobkit.http", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    private static func probe(_ answer: ProbeAnswer) -> Response {
        text(answer.status, answer.reason + "\n", type: "text/plain; charset=utf-8")
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String, type: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: type, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
