import Casework
import Foundation
import Hummingbird
import JourneyViews
import Replica

extension FieldApp {
    /// The layout of a page for this request: who is signed in, the navigation with counts, the sync banner.
    func layout(_ request: Request, context: AppRequestContext, current: String, flash: String? = nil) async throws
        -> PageRenderer.Layout
    {
        let text = AppText(context.language)
        let identity = try await replica.identity()
        let revision = try await replica.revision()
        let state = await background.state
        let conflicts = try await replica.conflicts().count
        let review = conflicts + revision.rejectedChanges
        let nav = [
            PageRenderer.NavItem(href: "/", label: text["navCaseload"], current: current == "/", count: nil),
            PageRenderer.NavItem(href: "/search", label: text["navSearch"], current: current == "/search", count: nil),
            PageRenderer.NavItem(
                href: "/review", label: text["navReview"], current: current == "/review", count: review > 0 ? review : nil),
            PageRenderer.NavItem(
                href: "/sync", label: text["navSync"], current: current == "/sync",
                count: revision.pendingChanges > 0 ? revision.pendingChanges : nil),
        ]
        let language = context.language
        let professional = identity.professional
        return PageRenderer.Layout(
            lang: language.rawValue, t: text.words, title: "", showNav: true,
            user: "\(professional.name) (\(professional.discipline.label(in: language)))", nav: nav,
            csrf: configuration.formToken, here: Self.languageReturnPath(request),
            otherLanguage: language == .nl ? Language.en.rawValue : Language.nl.rawValue,
            bannerHTML: PageRenderer.render("banner", banner(state: state, revision: revision, text: text)),
            flash: flash, body: "")
    }

    /// Where the language switch returns to: this page, or for a form that was posted (and came back with
    /// errors) the client's journey, since a posted URL cannot be fetched again.
    static func languageReturnPath(_ request: Request) -> String {
        let path = request.uri.path
        guard request.method != .get else { return path }
        let parts = path.split(separator: "/")
        return parts.count >= 2 && parts[0] == "clients" ? "/clients/\(parts[1])" : "/"
    }

    /// The sync banner: online, offline (with the promise that nothing is lost), failing or wiped, and how far
    /// a sync that moves data has come.
    func banner(state: BackgroundSync.State, revision: ReplicaRevision, text: AppText) -> [String: Any] {
        let kind: String
        let headline: String
        var detail: String?
        if state.wiped {
            (kind, headline) = ("wiped", text["bannerWiped"])
        } else {
            // The headline follows the connection, not every attempt: a retry every few seconds while offline
            // must not make the banner (a live region read out by screen readers) flicker.
            switch state.connection {
            case .online: (kind, headline) = ("online", text["bannerOnline"])
            case .offline: (kind, headline) = ("offline", text["bannerOffline"])
            case .failing:
                (kind, headline) = ("failing", text["bannerFailing"])
                detail = state.lastError.map { text.describe($0.code) }
            case .unknown: (kind, headline) = ("unknown", text["bannerUnknown"])
            }
            if let progress = state.progress, progress.report.pushed + progress.report.pulled > 0 {
                detail = "\(text["bannerSyncing"]) \(progress.report.pushed) \(text["sentCount"]), "
                    + "\(progress.report.pulled) \(text["receivedCount"])."
            }
        }
        var model: [String: Any] = [
            "t": text.words, "state": kind, "headline": headline,
            "lastSync": revision.lastSyncAt.map { time(millis: $0) } ?? text["never"],
        ]
        if let detail { model["detail"] = detail }
        if revision.pendingChanges > 0 { model["pending"] = revision.pendingChanges }
        return model
    }

    /// `29-11-2026 16:05` in the configured time zone, for an ISO 8601 time from the journey.
    func time(_ iso: String) -> String {
        guard let millis = CalendarTime.millis(fromISO8601: iso) else { return iso }
        return time(millis: millis)
    }

    /// `29-11-2026 16:05` in the configured time zone.
    func time(millis: Int64) -> String {
        configuration.timeZone.dutchDateTime(millis: millis)
    }

    /// The flash message after a write: saved here, and sent now or when there is a connection.
    func savedMessage(_ text: AppText) async -> String {
        let connection = await background.state.connection
        return connection == .online ? text["savedOnline"] : text["savedOffline"]
    }
}
