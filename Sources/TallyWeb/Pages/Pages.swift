import Logging
import Templating

/// Renders Tally's pages from the templates loaded at start-up.
public struct Pages: Sendable {
    let library: TemplateLibrary
    let logger: Logger

    /// Loads every template under `directory`; any parse error or missing partial throws with
    /// file:line:column, which stops start-up.
    ///
    /// With `strict` (every test), a tag whose name the view model does not have fails the
    /// render, so a misspelt key fails the test that renders the page. Without it (the server),
    /// the tag renders as empty, as Mustache says, and is logged as a warning.
    public init(directory: String, reloadOnChange: Bool, strict: Bool, logger: Logger) throws {
        let mode: RenderMode
        if strict {
            mode = .strict
        } else {
            mode = .reporting { error in
                logger.warning("template tag resolves to nothing", metadata: ["template.error": "\(error)"])
            }
        }
        library = try TemplateLibrary(
            directory: directory, options: .init(reloadOnChange: reloadOnChange, renderMode: mode))
        self.logger = logger
    }

    /// Renders the page template `name` for a visitor who is not signed in: its view model with
    /// no frame (the layout asks for `frame` on every page).
    func render(_ name: String, _ view: some TemplateValue) throws -> String {
        try library.render(FramedPage(frame: nil, content: view), template: name)
    }

    /// Renders the page template `name` with its view model inside `frame`, as UTF-8 bytes.
    func renderBytes(_ name: String, frame: PageFrame, _ view: some TemplateValue) throws -> [UInt8] {
        try library.renderBytes(FramedPage(frame: frame, content: view), template: name)
    }

    /// The error page. It cannot fail: if the template does, a bare page with the request id is
    /// returned and the failure is logged.
    func renderErrorPage(_ view: ErrorPageView) -> String {
        do {
            return try render("error", view)
        } catch {
            logger.error("error page failed to render", metadata: ["error": "\(error)"])
            return "<!doctype html><title>Error \(view.status)</title><p>Error \(view.status). Request id: \(view.requestID)</p>"
        }
    }
}

/// The view model of the error page.
struct ErrorPageView: KeyedTemplateValue {
    let status: Int
    let title: String
    let message: String
    let requestID: String

    static let templateKeys: TemplateKeys<Self> = [
        "status": { $0.status },
        "title": { $0.title },
        "message": { $0.message },
        "requestID": { $0.requestID },
    ]
}
