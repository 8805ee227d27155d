/// A runtime failure the CLI reports as one line (`Error: …`) with exit status 1, without the usage text.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
