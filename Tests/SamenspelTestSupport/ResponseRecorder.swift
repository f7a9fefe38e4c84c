import Foundation
import Synchronization

/// Records what the server answered in route tests, when `SAMENSPEL_RECORD_RESPONSES` names a file: one JSON
/// line per answer (method, path, status, content type and the body when it is plain JSON). CI then checks
/// every recorded answer against Protocol/openapi.yaml with a JSON-Schema validator
/// (`.ci/validate-vectors --responses FILE`), so the spec and what the server sends cannot drift apart.
public enum ResponseRecorder {
    private static let file: String? = ProcessInfo.processInfo.environment["SAMENSPEL_RECORD_RESPONSES"]
        .flatMap { $0.isEmpty ? nil : $0 }
    /// The file, opened once for appending (recording must not slow the timed route tests down).
    private static let output = Mutex<FileHandle?>({
        guard let file else { return nil }
        if !FileManager.default.fileExists(atPath: file) { _ = FileManager.default.createFile(atPath: file, contents: nil) }
        let handle = FileHandle(forWritingAtPath: file)
        _ = try? handle?.seekToEnd()
        return handle
    }())

    /// Records one answer; does nothing unless recording is on.
    public static func record(
        method: String, uri: String, status: Int, contentType: String?, contentEncoding: String?, body: Data
    ) {
        guard file != nil else { return }
        let path = String(uri.prefix { $0 != "?" })
        var line: [String: Any] = ["method": method, "path": path, "status": status]
        if let contentType { line["contentType"] = contentType }
        if let contentEncoding { line["contentEncoding"] = contentEncoding }
        if contentEncoding == nil, contentType?.hasPrefix("application/json") == true,
            let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        {
            line["body"] = json
        }
        guard var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        output.withLock { handle in try? handle?.write(contentsOf: data) }
    }
}
