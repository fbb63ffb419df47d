import Foundation
import JobKit

/// The status page for people: every job with its schedule, next tick, last run, who runs it
/// now, recent runs (failures and overlaps marked) and the locks. Plain HTML with a little
/// inline CSS, refreshing itself every 10 seconds; nothing is fetched from anywhere else. It
/// shows the store as its description, which never holds a password.
struct StatusPage {
    /// How often the page reloads itself, in seconds.
    static let refreshSeconds = 10

    let data: StatusPageData

    var html: String {
        var body = header()
        if let error = data.error {
            body += "<p class=\"alert\">The store cannot be read: \(error.htmlEscaped)</p>"
        }
        if let report = data.report {
            body += "<section class=\"jobs\">" + report.jobs.map(card).joined() + "</section>"
        }
        body += locks()
        return Self.document(title: "JobKit status", body: body)
    }

    private func header() -> String {
        let phase = data.health.phase
        let storeState = data.health.storeError == nil ? "up" : "unreachable"
        return """
        <header><h1>JobKit status</h1>
        <p>Scheduler <b class="phase-\(phase.rawValue)">\(phase.rawValue)</b> · store <b class="store-\(storeState)">\(storeState)</b>
        <span class="muted">\(data.store.htmlEscaped)</span></p>
        <p class="muted">At <time>\(data.generatedAt.jobKitTimestamp)</time>; refreshes every \(Self.refreshSeconds) s.</p></header>
        """
    }

    private func card(_ job: JobStatus) -> String {
        let recent = data.recent[job.name] ?? []
        var rows: [(String, String)] = [
            ("Type", job.type.htmlEscaped),
            ("Schedule", job.schedule.htmlEscaped),
            ("Next tick", job.nextTicks.first.map(moment) ?? "none"),
        ]
        if let pause = job.pause {
            rows.append((
                "Paused",
                "<b class=\"bad\">by \(pause.pausedBy.htmlEscaped)</b> since \(moment(pause.pausedAt))"
                    + (pause.reason.map { ": \($0.htmlEscaped)" } ?? "")
            ))
        }
        if let run = job.lastRun {
            let duration = run.durationMilliseconds.map { " in \($0) ms" } ?? ""
            rows.append((
                "Last run",
                "\(outcome(run.outcome.name)) \(moment(run.tick ?? run.startedAt)) on \(run.owner.htmlEscaped)\(duration)"
            ))
            if run.outcome.isFailure, let error = run.error {
                rows.append(("Last error", "<span class=\"error\">\(error.htmlEscaped)</span>"))
            }
        } else {
            rows.append(("Last run", "never"))
        }
        rows.append(("Last success", job.lastSuccessAt.map(moment) ?? "never"))
        if let holder = job.running {
            rows.append(("Running now", "<b class=\"running\">on \(holder.owner.htmlEscaped)</b> since \(moment(holder.since)) (token \(holder.token))"))
        } else {
            rows.append(("Running now", "no"))
        }
        let failures = recent.filter { $0.outcome.isFailure }.count
        let overlaps = recent.filter(\.overlapped).count
        rows.append(("Failures in a row", job.consecutiveFailures > 0 ? "<b class=\"bad\">\(job.consecutiveFailures)</b>" : "0"))
        rows.append((
            "Recent runs",
            recent.isEmpty
                ? "none"
                : strip(recent) + " <span class=\"muted\">\(failures) failed, \(overlaps) overlapped of the last \(recent.count)</span>"
        ))
        let classes = job.consecutiveFailures > 0 || overlaps > 0 ? "job attention" : "job"
        var disabled = job.isEnabled ? "" : " <span class=\"badge\">disabled</span>"
        if job.pause != nil { disabled += " <span class=\"badge\">paused</span>" }
        let items = rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined()
        return "<article class=\"\(classes)\" id=\"job-\(job.name.htmlEscaped)\"><h2>\(job.name.htmlEscaped)\(disabled)</h2><dl>\(items)</dl></article>"
    }

    /// The recent runs as small marks, oldest first; overlapped runs are outlined.
    private func strip(_ runs: [RunRecord]) -> String {
        runs.reversed().map { run in
            let overlap = run.overlapped ? " overlap" : ""
            let title = "\(run.outcome.name) \(run.startedAt.jobKitTimestamp) on \(run.owner)\(run.overlapped ? " (overlapped)" : "")"
            return "<span class=\"mark \(run.outcome.name)\(overlap)\" title=\"\(title.htmlEscaped)\"></span>"
        }.joined()
    }

    private func locks() -> String {
        guard !data.locks.isEmpty else { return "<section><h2>Locks</h2><p class=\"muted\">No locks yet.</p></section>" }
        let rows = data.locks.map { lock in
            "<tr><td>\(lock.lockID.htmlEscaped)</td><td class=\"lock-\(lock.status.rawValue)\">\(lock.status.rawValue)</td>"
                + "<td>\(lock.owner.htmlEscaped)</td><td>\(lock.token)</td><td>\(moment(lock.acquiredAt))</td></tr>"
        }.joined()
        return """
        <section><h2>Locks</h2><div class="scroll"><table><thead><tr><th>Lock</th><th>Status</th><th>Owner</th><th>Token</th><th>Since</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        """
    }

    private func outcome(_ name: String) -> String {
        "<b class=\"outcome \(name)\">\(name)</b>"
    }

    /// A time as `<time>` with how far it is from now.
    private func moment(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince(data.generatedAt).rounded())
        let relative = seconds == 0 ? "now" : seconds > 0 ? "in \(Self.span(seconds))" : "\(Self.span(-seconds)) ago"
        return "<time datetime=\"\(date.jobKitTimestamp)\" title=\"\(date.jobKitTimestamp)\">\(relative)</time>"
    }

    private static func span(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h"
        default: "\(seconds / 86400) days"
        }
    }

    private static func document(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="\(refreshSeconds)">
        <title>\(title)</title>
        <style>
        body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#1b1f23;background:#f6f8fa}
        h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:0 0 .4em}
        .muted{color:#6a737d}.alert{background:#ffeef0;border:1px solid #d73a49;padding:8px;border-radius:6px}
        .jobs{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
        .job{background:#fff;border:1px solid #d1d5da;border-radius:8px;padding:12px}.attention{border-color:#d73a49}
        dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}dt{color:#6a737d}dd{margin:0;overflow-wrap:anywhere}
        .mark{display:inline-block;width:12px;height:12px;margin-right:2px;border-radius:2px;vertical-align:middle;background:#959da5}
        .outcome,.badge{padding:0 6px;border-radius:4px;color:#fff;background:#6a737d}
        .succeeded{background:#28a745}.failed,.lost{background:#d73a49}.overran{background:#e36209}.running{color:#0366d6}.cancelled{background:#959da5}
        .bad,.error,.store-unreachable,.phase-stopping{color:#d73a49}
        .mark.running,.outcome.running{background:#0366d6;color:#fff}.mark.overlap{outline:2px solid #6f42c1}
        section{margin-top:16px}.scroll{overflow-x:auto}table{border-collapse:collapse;background:#fff;width:100%}
        td,th{border:1px solid #d1d5da;padding:4px 8px;text-align:left}
        </style></head>
        <body>\(body)</body></html>
        """
    }
}
