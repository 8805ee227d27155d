import ArgumentParser
import CApp
import Foundation

/// `tcpsim cc`: builds a user's FreeRTOS+TCP application, unmodified, to run against the model.
struct CCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cc",
        abstract: "Build a FreeRTOS+TCP application written in C to run against the model (--c-app).",
        discussion: """
            Compiles and links FILE.c… with the system C compiler ($CC, else cc) against tcpsim's FreeRTOS.h, \
            task.h, queue.h, semphr.h, timers.h, event_groups.h, FreeRTOS_IP.h and FreeRTOS_Sockets.h and \
            tcpsim's runtime. Your main() calls FreeRTOS_IPInit() and vTaskStartScheduler() as on the device. \
            FreeRTOSConfig.h and FreeRTOSIPConfig.h are taken from the include path (-I, then the directories \
            of the sources), exactly as a FreeRTOS build finds them; they are embedded in the program, and the \
            same ipconfig values configure the model's device. Compiler messages are the compiler's own.

            Examples:
              tcpsim cc -o server -I config main.c server.c
              tcpsim run check.pkt --c-app ./server
              tcpsim stall --c-app ./server
              sudo tcpsim device --netns lab --c-app ./server
            """)

    @Option(name: .customShort("o"), help: ArgumentHelp("The program to write.", valueName: "OUT"))
    var output: String = "a.out"

    @Option(name: .customShort("I"), help: ArgumentHelp("Add DIR to the include path (repeatable).", valueName: "DIR"))
    var include: [String] = []

    @Option(name: .customShort("D"), help: ArgumentHelp("Define a macro (repeatable).", valueName: "NAME[=VALUE]"))
    var define: [String] = []

    @Option(name: .customLong("cflag"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Pass FLAG to the compiler (repeatable), e.g. --cflag=-Wall.", valueName: "FLAG"))
    var cflags: [String] = []

    @Flag(name: .shortAndLong, help: "Print the compiler's command line.")
    var verbose = false

    @Argument(help: ArgumentHelp("The application's C files.", valueName: "FILE.c"))
    var files: [String] = []

    /// `-DNAME=VALUE` → `-D NAME=VALUE`, `-Idir` → `-I dir`, `-oOUT` → `-o OUT`.
    static func splittingJoinedFlags(_ arguments: [String]) -> [String] {
        arguments.flatMap { argument -> [String] in
            for flag in ["-D", "-I", "-o"] where argument.hasPrefix(flag) && argument.count > 2 {
                return [flag, String(argument.dropFirst(2))]
            }
            return [argument]
        }
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("expected at least one C file, found none") }
        for file in files where !file.hasSuffix(".c") {
            throw ValidationError("expected C files (FILE.c), found '\(file)'")
        }
    }

    func run() throws {
        var build = CAppBuild(sources: files, output: output)
        build.includeDirectories = include
        build.definitions = define
        build.extraFlags = cflags
        let status: Int32
        do {
            status = try build.run(verbose: verbose)
        } catch {
            throw CLIError("\(error)")
        }
        guard status == 0 else {
            var standardError = StandardError()
            print("tcpsim cc: the C compiler failed (exit status \(status)); \(output) was not written", to: &standardError)
            throw ExitCode(status)
        }
    }
}
