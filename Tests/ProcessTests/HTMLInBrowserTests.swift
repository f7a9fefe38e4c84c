import Foundation
import SamenspelTestSupport
import Testing

/// The demo's HTML journey, opened in a real browser (headless Chromium from Debian's packages): it renders
/// without errors, and the picture is kept for a person to look at.
@Suite struct HTMLInBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    /// In CI the browser must be there (`.ci/run` installs it); elsewhere the test needs it installed.
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(.enabled(if: chromium != nil || required, "needs chromium (apt-get install chromium)"))
    func demoJourneyPage_rendersInChromium_withoutErrors() throws {
        let browser = try #require(Self.chromium, "chromium is not installed")
        let folder = try TemporaryDirectory("browser")
        defer { folder.remove() }
        let page = folder.appending("jaap.html")
        try Samenspel.output(["demo", "--html", page], in: folder.path)

        let dom = try run(browser, ["--dump-dom", "file://\(page)"], in: folder)
        #expect(dom.status == 0)
        for section in ["id=\"signals\"", "id=\"force-field\"", "<svg", "id=\"assessments\"", "id=\"timeline\"",
                        "class=\"lanes\"", "Client journey: Jaap"] {
            #expect(dom.out.contains(section), "\(section)")
        }
        let screenshot = folder.appending("jaap.png")
        let shot = try run(browser, ["--screenshot=\(screenshot)", "--window-size=1280,3000", "file://\(page)"], in: folder)
        #expect(shot.status == 0)
        for problem in ["Uncaught", "ERROR:CONSOLE", "Failed to load"] {
            #expect(!shot.err.contains(problem), "\(problem) in: \(shot.err.suffix(500))")
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1280 && height == 3000)
        #expect(png.count > 100_000, "a page with content, not a blank image (\(png.count) bytes)")
        // Kept for a person to look at.
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("samenspel-journey-screenshot.png")
        try? FileManager.default.removeItem(at: kept)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: screenshot), to: kept)
        print("screenshot of the demo journey: \(kept.path)")

        // The Dutch page, as a Dutch case worker prints it: the demo checks its own story (the high signal
        // with the sanction alone, a medium one with one support, none with the combination), so it exits 0
        // only if the story held.
        let dutch = folder.appending("jaap-nl.html")
        let story = try Samenspel.output(["demo", "--lang", "nl", "--html", dutch], in: folder.path)
        // The whole story is told in Dutch, not only the journey's labels.
        for line in ["2. Een beheerder schrijft Jaap in", "Eén vorm van steun is niet de combinatie",
                     "neemt de verwijzing aan", "byte voor byte gelijk"] {
            #expect(story.contains(line), "\(line)")
        }
        for english in ["The server is back", "Everyone syncs", "round 1,", "writes wait safely"] {
            #expect(!story.contains(english), "\(english)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: dutch)[.posixPermissions] as? Int
        #expect(mode == 0o600, "case notes are readable by the user only")
        let dutchDom = try run(browser, ["--dump-dom", "file://\(dutch)"], in: folder)
        for text in ["Klantreis: Jaap", "Krachtenveld", "geloof in eigen kunnen", "Per kerngedrag", "klantmanager"] {
            #expect(dutchDom.out.contains(text), "\(text)")
        }
    }

    private func run(_ browser: String, _ arguments: [String], in folder: TemporaryDirectory) throws
        -> (status: Int32, out: String, err: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(folder.appending("profile"))", "--enable-logging=stderr", "--v=0"]
            + arguments
        let out = folder.appending("out-\(UUID().uuidString)")
        let err = folder.appending("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
