import Casework
import HTTPTypes
import Hummingbird
import Mustache

/// Renders pages: a template for the body, inside the layout (navigation, sync banner, language switch).
struct PageRenderer: Sendable {
    /// Every template, parsed once; a template that does not parse is a programming error caught by tests.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// What the layout shows around every page.
    struct Layout {
        var lang: String
        var t: [String: String]
        var title: String
        var showNav: Bool
        var user: String
        var nav: [NavItem]
        var csrf: String
        var here: String
        var otherLanguage: String
        var bannerHTML: String
        var flash: String?
        var body: String
    }

    struct NavItem {
        var href: String
        var label: String
        var current: Bool
        var count: Int?
    }

    /// Renders `template` with `model` (which sees the words as `t`) inside the layout.
    static func page(
        _ template: String, model: [String: Any], title: String, layout: Layout, status: HTTPResponse.Status = .ok
    ) -> Response {
        var model = model
        model["t"] = layout.t
        var layout = layout
        layout.title = title
        layout.body = render(template, model)
        return html(render("layout", layout), status: status)
    }

    static func render(_ template: String, _ model: Any) -> String {
        library.render(model, withTemplate: template) ?? ""
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Pages for requests that go wrong, also before the visitor is known to be the professional: they show
/// nothing of the replica.
enum ErrorPage {
    static func response(_ error: AppError, language: Language) -> Response {
        let text = AppText(language)
        let layout = PageRenderer.Layout(
            lang: language.rawValue, t: text.words, title: text[error.headingKey], showNav: false, user: "", nav: [],
            csrf: "", here: "/", otherLanguage: "", bannerHTML: "", flash: nil, body: "")
        return PageRenderer.page(
            "error",
            model: ["heading": text[error.headingKey], "message": error.detail ?? text[error.messageKey], "showHome": error.showHome],
            title: text[error.headingKey], layout: layout, status: error.status)
    }
}
