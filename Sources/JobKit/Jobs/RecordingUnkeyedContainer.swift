import Foundation

/// An unkeyed container whose elements decode through recording decoders; see
/// ``RecordingDecoder``.
struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    var base: any UnkeyedDecodingContainer
    let usage: ParameterKeyUsage

    var codingPath: [any CodingKey] { base.codingPath }
    var count: Int? { base.count }
    var isAtEnd: Bool { base.isAtEnd }
    var currentIndex: Int { base.currentIndex }

    mutating func decodeNil() throws -> Bool { try base.decodeNil() }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !(T.self is any SpeciallyDecoded.Type) else { return try base.decode(type) }
        return try T(from: RecordingDecoder(base: try base.superDecoder(), usage: usage))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let nested = try base.nestedContainer(keyedBy: type)
        usage.open(at: nested.codingPath)
        return KeyedDecodingContainer(RecordingKeyedContainer<NestedKey>(base: nested, usage: usage))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(base: try base.nestedUnkeyedContainer(), usage: usage)
    }

    mutating func superDecoder() throws -> any Decoder {
        RecordingDecoder(base: try base.superDecoder(), usage: usage)
    }
}

/// Types `JSONDecoder` decodes by its own strategies rather than by their `init(from:)`;
/// a recording decoder hands them to it directly so they decode exactly as without it.
protocol SpeciallyDecoded {}
extension Date: SpeciallyDecoded {}
extension Data: SpeciallyDecoded {}
extension URL: SpeciallyDecoded {}
extension Decimal: SpeciallyDecoded {}
