import Foundation

/// The shapes of jobs file the jobs-file benchmark loads, each grown to a given size.
enum HostileJobsFile: String, CaseIterable {
    /// `{"jobs":[1,1,…]}` on one line: a problem every two bytes, the fuzzer's quadratic case.
    case minifiedProblems = "minified-problems"
    /// One valid job per line.
    case validJobs = "valid-jobs"
    /// One job whose `timezone` is `"Europe/xxx…"`, as long as the file.
    case longTimeZone = "long-time-zone"
    /// Jobs on one line, each naming the same misspelt zone `Europe/Berln`.
    case timeZoneTypos = "time-zone-typos"

    /// The file's text, of about `bytes` bytes.
    func text(bytes: Int) -> Data {
        var text: String
        switch self {
        case .minifiedProblems:
            text = "{\"jobs\":[" + String(repeating: "1,", count: max(1, bytes / 2 - 6)) + "1]}"
        case .validJobs:
            text = "{\"jobs\":[\n"
            var number = 0
            while text.utf8.count < bytes {
                number += 1
                text += "{\"name\":\"job-\(number)\",\"type\":\"report\",\"every\":\"5m\"},\n"
            }
            text += "{\"name\":\"last\",\"type\":\"report\",\"every\":\"5m\"}\n]}\n"
        case .longTimeZone:
            let name = "Europe/" + String(repeating: "x", count: max(1, bytes - 80))
            text = "{\"jobs\":[{\"name\":\"a\",\"type\":\"report\",\"cron\":\"0 * * * *\",\"timezone\":\"\(name)\"}]}"
        case .timeZoneTypos:
            let job = "{\"name\":\"j\",\"type\":\"report\",\"cron\":\"0 * * * *\",\"timezone\":\"Europe/Berln\"}"
            let count = max(1, bytes / (job.utf8.count + 1))
            text = "{\"jobs\":[" + Array(repeating: job, count: count).joined(separator: ",") + "]}"
        }
        return Data(text.utf8)
    }
}
