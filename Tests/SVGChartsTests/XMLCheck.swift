import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an XML parse of a chart found: element names, root attributes and ids.
struct ParsedXML {
    var rootName = ""
    var rootAttributes: [String: String] = [:]
    var elements: [String] = []
    var ids: [String] = []
    var attributeValues: [String] = []
    var attributeNames: Set<String> = []
}

/// Parses markup with Foundation's `XMLParser`; nil (and the error) when it is not well-formed.
final class XMLCheck: NSObject, XMLParserDelegate {
    private var result = ParsedXML()
    private(set) var error: (any Error)?

    static func parse(_ markup: String) -> ParsedXML? {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = check
        guard parser.parse() else {
            check.error = parser.parserError
            return nil
        }
        return check.result
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if result.elements.isEmpty {
            result.rootName = elementName
            result.rootAttributes = attributeDict
        }
        result.elements.append(elementName)
        if let id = attributeDict["id"] { result.ids.append(id) }
        result.attributeValues.append(contentsOf: attributeDict.values)
        result.attributeNames.formUnion(attributeDict.keys)
    }
}
