import Foundation

extension JobRegistry: JobTypeCatalog {
    /// Checks a jobs-file entry's parameters by decoding them as the registered type would.
    public func validateParameters(type: String, parameters: Data?, jobName: String) -> [String] {
        do {
            _ = try makeJob(type: type, parameters: parameters, jobName: jobName)
            return []
        } catch let error as JobRegistryError {
            return [error.problem]
        } catch {
            return ["\(error)"]
        }
    }
}
