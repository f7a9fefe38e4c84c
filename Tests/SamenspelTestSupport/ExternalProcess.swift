import Foundation

/// Runs an external program to its end and returns its status and output (standard output and error
/// together), waiting on a thread of its own: a test that runs a program against a server *in the same
/// process* must not block one of Swift concurrency's few threads, which that server needs to answer
/// (on a 2-core machine, two such waits would deadlock the test run).
public func runExternal(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return await withCheckedContinuation { continuation in
        let waiter = Thread {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }
        waiter.start()
    }
}
