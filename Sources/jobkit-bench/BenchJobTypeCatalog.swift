import Foundation
import JobKit

/// The one job type the jobs-file benchmark's files name, `report`, taking any parameters.
struct BenchJobTypeCatalog: JobTypeCatalog {
    var typeNames: [String] { ["report"] }

    func validateParameters(type: String, parameters: Data?, jobName: String) -> [String] { [] }
}
