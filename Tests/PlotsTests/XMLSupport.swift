import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One parsed element: its name, attributes and direct character data.
struct XMLElementInfo {
    var name: String
    var attributes: [String: String]
    var text: String
    var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
}

/// Collects every element of a document in document order.
final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [XMLElementInfo] = []
    private var stack: [Int] = []
    var error: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(XMLElementInfo(name: elementName, attributes: attributeDict, text: ""))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = stack.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        error = "\(parseError)"
    }
}

/// Parses `svg`; returns nil when it is not well-formed XML.
func parseSVG(_ svg: String) -> [XMLElementInfo]? {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = XMLCollector()
    parser.delegate = collector
    guard parser.parse(), collector.error == nil else { return nil }
    return collector.elements
}

extension Array where Element == XMLElementInfo {
    func withClass(_ c: String) -> [XMLElementInfo] { filter { $0.classes.contains(c) } }
    func named(_ n: String) -> [XMLElementInfo] { filter { $0.name == n } }
    func texts(class c: String) -> [String] { withClass(c).map(\.text) }
}
