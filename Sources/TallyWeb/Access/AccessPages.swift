import Templating

/// The login page's view model.
struct LoginPageView: TemplateValue {
    /// The CSRF token for the form.
    let csrfToken: String
    /// The email to show again after a failed attempt.
    let email: String
    /// An error sentence, or empty.
    let error: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "csrfToken": csrfToken
        case "email": email
        case "error": error.isEmpty ? nil : error
        case "hasError": !error.isEmpty
        default: nil
        }
    }
}
