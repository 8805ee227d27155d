// Scenario — the front end of tcpsim's scenario scripts, a dialect of packetdrill's language.
//
// `Script.parse(text, file:)` lexes and parses a script into typed steps, or throws one `ScenarioError`
// (`file:line:col: expected …, found …`, plus `rendered(source:)` for the source line and a caret).
// It never traps, whatever the input. `Script.description` prints a script back in this syntax.
// Pure Swift: no Foundation, no Glibc. Running scripts is the runner's job, not this module's.
//
// The syntax, line by line (newlines end statements; `//` and `/* */` are comments):
//
//   Option lines, before the first step:
//     --personality=freertos|rfc   --config=FILE   --tolerance_usecs=N   --seed=N
//     -D NAME=value   -DNAME=value                  (several per line allowed)
//
//   Steps: TIME BODY
//     TIME   0.1            seconds since the start (up to 9 decimals; `.25` is allowed)
//            +0.1           seconds since the previous step
//            a~b            any time between a and b (each may be `+relative`)
//            *              any time
//            a...b          a blocking call started at a, returning at b (calls only)
//
//     BODY   < PACKET       injected from the remote peer
//            > PACKET       expected from the device
//            name(ARG, …) = RESULT
//            %{ raw text }%  an assertion at that instant, kept as raw text (may span lines)
//
//   PACKET   FLAGS start:end(length) ["payload"] [ack N] [win N] [<OPTIONS>] [addr A.B.C.D] [port N]
//            FLAGS: S F R P U E W, then `.` for ACK, written together (`S.`, `F.`, `P.`, `R.`, `.`); `-` = none.
//            Sequence numbers are packetdrill's relative ones, as written (the runner maps them).
//            The payload string, right after the length, gives the segment's bytes: what to inject (`<`) or
//            what the device must send (`>`). Its byte count must equal the length.
//            Clauses after it may come in any order, each at most once.
//            OPTIONS: mss N, sackOK, nop, wscale N, TS val N ecr N, sack a:b c:d …, eol; `<...>` is any
//            options, and a trailing `...` (`<mss 1460,...>`) means "these first, then anything".
//            `port N` / `addr A.B.C.D` select another remote endpoint (e.g. a second client).
//
//   Calls    BSD names (socket setsockopt getsockopt bind listen accept connect write send read recv shutdown
//            close) or any FreeRTOS_* name. ARG: number (decimal, 0x hex, -N), NAME, `...` (any), [a, b],
//            {field=value, …}, "string", A|B.
//            RESULT: N | -1 ENAME [(free text)] | -pdFREERTOS_ERRNO_ENAME | NAME | `...`
//
//   Strings: "…" with escapes \n \r \t \0 \\ \" \xHH.
