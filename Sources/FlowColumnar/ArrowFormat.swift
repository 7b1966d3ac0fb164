/// Constants of the Arrow IPC file format (Columnar.rst "IPC File Format"; Schema.fbs,
/// Message.fbs, File.fbs). Slot numbers are vtable slots: fields in declaration order,
/// a union field taking two (its `_type` byte, then its value).
enum ArrowFormat {
    /// "ARROW1": at offset 0 (padded to 8 bytes with zeros) and at the very end.
    static let magic: [UInt8] = Array("ARROW1".utf8)
    /// Stream continuation marker in front of each message's metadata length.
    static let continuation: UInt32 = 0xFFFF_FFFF
    /// MetadataVersion.V5 (V1 = 0 … V5 = 4).
    static let metadataVersionV5: Int16 = 4

    /// union MessageHeader { Schema, DictionaryBatch, RecordBatch, Tensor, SparseTensor }
    enum MessageHeader {
        static let schema: UInt8 = 1
        static let dictionaryBatch: UInt8 = 2
        static let recordBatch: UInt8 = 3
    }

    /// union Type (Schema.fbs), NONE = 0.
    enum TypeID {
        static let null: UInt8 = 1
        static let int: UInt8 = 2
        static let floatingPoint: UInt8 = 3
        static let binary: UInt8 = 4
        static let utf8: UInt8 = 5
        static let bool: UInt8 = 6
        static let decimal: UInt8 = 7
        static let date: UInt8 = 8
        static let time: UInt8 = 9
        static let timestamp: UInt8 = 10
        static let interval: UInt8 = 11
        static let list: UInt8 = 12
        static let fixedSizeBinary: UInt8 = 15
        static let duration: UInt8 = 18
        static let largeBinary: UInt8 = 19
        static let largeUtf8: UInt8 = 20
    }

    /// table Message { version: MetadataVersion; header: MessageHeader; bodyLength: long;
    ///                 custom_metadata: [KeyValue]; }
    enum MessageSlot {
        static let version = 0
        static let headerType = 1
        static let header = 2
        static let bodyLength = 3
    }

    /// table Schema { endianness: Endianness = Little; fields: [Field];
    ///                custom_metadata: [KeyValue]; features: [Feature]; }
    enum SchemaSlot {
        static let endianness = 0
        static let fields = 1
        static let customMetadata = 2
    }

    /// table Field { name: string; nullable: bool; type: Type; dictionary: DictionaryEncoding;
    ///               children: [Field]; custom_metadata: [KeyValue]; }
    enum FieldSlot {
        static let name = 0
        static let nullable = 1
        static let typeType = 2
        static let type = 3
        static let dictionary = 4
        static let children = 5
    }

    /// table KeyValue { key: string; value: string; }
    enum KeyValueSlot {
        static let key = 0
        static let value = 1
    }

    /// table RecordBatch { length: long; nodes: [FieldNode]; buffers: [Buffer];
    ///                     compression: BodyCompression; variadicBufferCounts: [long]; }
    enum RecordBatchSlot {
        static let length = 0
        static let nodes = 1
        static let buffers = 2
        static let compression = 3
    }

    /// table Footer { version: MetadataVersion; schema: Schema; dictionaries: [Block];
    ///                recordBatches: [Block]; custom_metadata: [KeyValue]; }
    enum FooterSlot {
        static let version = 0
        static let schema = 1
        static let dictionaries = 2
        static let recordBatches = 3
    }

    /// struct Block { offset: long; metaDataLength: int; (4 bytes padding) bodyLength: long; }
    static let blockSize = 24
    /// struct FieldNode { length: long; null_count: long; }
    static let fieldNodeSize = 16
    /// struct Buffer { offset: long; length: long; }
    static let bufferSize = 16

    /// Rounds up to the 8-byte alignment every buffer and message uses.
    @inline(__always)
    static func padded(_ n: Int) -> Int { (n + 7) & ~7 }
}
