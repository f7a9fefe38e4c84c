import ArgumentParser
import Foundation

/// Server settings come from a flag, else an environment variable, else a default: one place that says
/// which variable backs which flag (the table in `Deploy/README.md` lists them all).
enum Settings {
    /// The value of `flag`, else of the environment variable `name` parsed like the flag, else `fallback`.
    static func value<T: ExpressibleByArgument>(_ flag: T?, _ name: String, default fallback: T) throws -> T {
        try value(flag, name) ?? fallback
    }

    /// The value of `flag`, else of the environment variable `name`, else `nil`. An empty variable counts as unset.
    static func value<T: ExpressibleByArgument>(_ flag: T?, _ name: String) throws -> T? {
        if let flag { return flag }
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return nil }
        guard let value = T(argument: text) ?? T(argument: text.lowercased()) else {
            let allowed = T.allValueStrings.isEmpty ? "" : " (one of: \(T.allValueStrings.joined(separator: ", ")))"
            throw CLIError("the environment variable \(name) has a value that is not valid: \(text)\(allowed)")
        }
        return value
    }
}
