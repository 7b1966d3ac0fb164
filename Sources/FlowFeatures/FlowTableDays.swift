import FlowColumnar
import FlowCore
import FlowDataset

extension FlowTable {
    /// Reads `dataset` one `date=` partition at a time and calls `body` with the partition's
    /// day (UTC day number) and its flows alone, so training over many days never holds the whole range's table.
    ///
    /// Host ids are shared by all the day tables: each day's `hosts` and `hostIsInternal`
    /// hold every host interned so far, in first-seen order, so an id means the same
    /// address in every day and after the last day the tables' hosts are exactly those of
    /// `load(dataset)` (the same files read in the same order). A day's rows are exactly
    /// that day's rows of `load`. Returns the hosts of the last day (every host).
    @discardableResult
    package static func forEachDay(_ dataset: DatasetListing, internalNetworks: [NetworkPrefix],
                                   names: DatasetColumnNames = DatasetColumnNames(),
                                   _ body: (Int64, FlowTable) throws -> Void) throws -> (hosts: [IPAddress], hostIsInternal: [Bool]) {
        var ids: [IPAddress: Int32] = [:]
        var hosts: [IPAddress] = [], isInternal: [Bool] = []
        let addresses = DatasetAddressReader()
        for partition in dataset.partitions where !partition.files.isEmpty {
            var table = FlowTable()
            table.hosts = hosts
            table.hostIsInternal = isInternal
            hosts = []; isInternal = []  // the day table holds the only reference while it grows
            for file in partition.files {
                let reader = try ArrowFileReader(path: file.path)
                for b in 0..<reader.recordBatchCount {
                    let columns = try DatasetColumns(try reader.recordBatch(at: b), names: names)
                    table.append(columns, ids: &ids, internalNetworks: internalNetworks, addresses: addresses)
                }
            }
            try body(partition.day, table)
            hosts = table.hosts
            isInternal = table.hostIsInternal
        }
        return (hosts, isInternal)
    }

    /// The number of rows in `dataset`'s files (from the record batch headers; no column
    /// is read), the upper bound of a table's `count`.
    package static func rowCount(_ dataset: DatasetListing) throws -> Int {
        var rows = 0
        for file in dataset.files {
            let reader = try ArrowFileReader(path: file.path)
            for b in 0..<reader.recordBatchCount { rows += try reader.recordBatch(at: b).rowCount }
        }
        return rows
    }
}
