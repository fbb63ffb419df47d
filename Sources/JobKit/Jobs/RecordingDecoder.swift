/// A `Decoder` that passes everything on to another (`JSONDecoder`'s), recording in a
/// ``ParameterKeyUsage`` which keys of which objects were asked for. Nested values decode
/// through a recording decoder too, so keys are recorded at every depth.
struct RecordingDecoder: Decoder {
    let base: any Decoder
    let usage: ParameterKeyUsage

    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let container = try base.container(keyedBy: type)
        usage.open(at: container.codingPath)
        return KeyedDecodingContainer(RecordingKeyedContainer(base: container, usage: usage))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(base: try base.unkeyedContainer(), usage: usage)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        try base.singleValueContainer()
    }
}
