/// The seed's "rule-based with ML fallback": decisions the rules are unsure of (a
/// `Decision.Doubt`) go to the first configured provider as ONE batched yes/no question, a few
/// tokens per item, before any work is queued. "yes" turns the decision into the doubt's skip;
/// "no", a missing item, a malformed answer, a failed, refused or budget-blocked call leave the
/// rules' decision as it was. Every request that left the machine is a call in the run's ledger
/// (`LLMCallRecord.purpose = "triage"`); an answer is cached by its question and evidence (and
/// the model), so the same doubt is never asked twice. Without a provider nothing is asked.
struct Triage {
    /// The answer of one doubt, by `cacheKey`; kept in the state.
    typealias Answers = [String: Bool]

    struct Outcome {
        var decisions: [Decision]
        /// Requests sent (each a call made), in order.
        var calls: [LLMCallRecord] = []
        /// New answers to remember.
        var learned: Answers = [:]
        /// Decisions turned into skips by an answer (cached or new).
        var settled = 0
        var notes: [String] = []
    }

    static let system = """
        You check the doubts of a tool that turns spec changes into code work. Each numbered item \
        gives a question and its evidence. Answer every item on its own line as `N yes` or `N no` \
        (N the item's number), nothing else. Answer yes only when the evidence shows it.
        """

    /// Output tokens allowed per item: "12 yes\n" is about four.
    static let outputTokensPerItem = 4
    /// The items' questions and evidence in one prompt, in bytes (about 10k tokens): the items
    /// past it keep the rules' decision, like those past `max_items`.
    static let promptBytes = 40_000

    /// Where the question lives: the same question with the same evidence, to the same model.
    static func cacheKey(_ doubt: Decision.Doubt, model: String) -> String {
        cacheKey(question: doubt.question, evidence: doubt.evidence, model: model)
    }

    static func cacheKey(question: String, evidence: String, model: String) -> String {
        String(SHA256.hex("autodev-triage-v1\n\(model)\n\(question)\n\(evidence)").prefix(24))
    }

    static func prompt(_ doubts: [(question: String, evidence: String)]) -> String {
        var text = ""
        for (index, doubt) in doubts.enumerated() {
            text += "\(index + 1). \(doubt.question)\n"
            for line in doubt.evidence.split(separator: "\n", omittingEmptySubsequences: true) { text += "   \(line)\n" }
        }
        return text
    }

    /// The answers by item number (1-based), or nil when the text is not exactly one
    /// `N yes|no` line per item: a malformed answer decides nothing.
    static func parse(_ text: String, count: Int) -> [Bool]? {
        var answers = [Bool?](repeating: nil, count: count)
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingSpaces().lowercased()
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "." || $0 == ":" || $0 == ")" }).map(String.init)
            guard parts.count == 2, let number = Int(parts[0]), (1...count).contains(number), answers[number - 1] == nil else { return nil }
            switch parts[1] {
            case "yes": answers[number - 1] = true
            case "no": answers[number - 1] = false
            default: return nil
            }
        }
        let all = answers.compactMap { $0 }
        return all.count == count ? all : nil
    }

    /// Asks about the doubts of `decisions` (at most `maxItems`, in order) and applies the
    /// answers. `send` is the guarded call; nil (no provider, a dry run) applies cached answers only.
    static func run(_ decisions: [Decision], cached: Answers, model: String, maxItems: Int,
                    send: ((LLMRequest, Int) -> (text: String?, records: [LLMCallRecord]))?) -> Outcome {
        var outcome = Outcome(decisions: decisions)
        let asked = ask(decisions.map { $0.doubt.map { (question: $0.question, evidence: $0.evidence) } },
                        cached: cached, model: model, maxItems: maxItems, send: send)
        outcome.calls = asked.calls
        outcome.learned = asked.learned
        outcome.notes = asked.notes
        for index in asked.yes { apply(decisions[index].doubt!, to: &outcome, at: index) }
        return outcome
    }

    /// What one batched question settled: the positions answered yes (cached or new), the
    /// requests sent, the new answers, notes.
    struct Asked {
        var yes: [Int] = []
        var calls: [LLMCallRecord] = []
        var learned: Answers = [:]
        var notes: [String] = []
    }

    /// The one batched question about `doubts` (nil: nothing to ask about that position): cached
    /// answers first, then at most `maxItems` open doubts (within `promptBytes`) in one request.
    /// Decisions of a range and work carried over from earlier runs are asked the same way.
    static func ask(_ doubts: [(question: String, evidence: String)?], cached: Answers, model: String, maxItems: Int,
                    send: ((LLMRequest, Int) -> (text: String?, records: [LLMCallRecord]))?) -> Asked {
        var asked = Asked()
        var open: [Int] = []
        var bytes = 0
        for (index, doubt) in doubts.enumerated() {
            guard let doubt else { continue }
            if let known = cached[cacheKey(question: doubt.question, evidence: doubt.evidence, model: model)] {
                if known { asked.yes.append(index) }
            } else if open.count < maxItems, bytes + doubt.question.utf8.count + doubt.evidence.utf8.count <= promptBytes {
                bytes += doubt.question.utf8.count + doubt.evidence.utf8.count
                open.append(index)
            }
        }
        guard let send, !open.isEmpty else { return asked }
        let items = open.map { doubts[$0]! }
        let prompt = prompt(items)
        let request = LLMRequest(system: system, prompt: prompt, maxOutputTokens: 8 + outputTokensPerItem * items.count, temperature: 0)
        let estimated = TokenEstimator().tokens(system + prompt, kind: .prose)
        let (text, records) = send(request, estimated)
        asked.calls = records
        guard let text else { return asked }
        guard let answers = parse(text, count: items.count) else {
            asked.notes.append("triage: the answer was not one `N yes|no` line per item; the rules' decisions stand")
            if !asked.calls.isEmpty {
                asked.calls[asked.calls.count - 1].outcome = .malformed
                asked.calls[asked.calls.count - 1].problem = "not one `N yes|no` line per item"
            }
            return asked
        }
        for (position, index) in open.enumerated() {
            asked.learned[cacheKey(question: items[position].question, evidence: items[position].evidence, model: model)] = answers[position]
            if answers[position] { asked.yes.append(index) }
        }
        asked.yes.sort()
        return asked
    }

    /// The reason of a decision or queued work a "yes" settled: the doubt's skip, the question
    /// and what the rules had said.
    static func settledReason(ifYes: String, question: String, rulesSaid: String) -> String {
        ifYes + " (triage: a model answered yes to \"\(question)\"; the rules said: \(rulesSaid))"
    }

    private static func apply(_ doubt: Decision.Doubt, to outcome: inout Outcome, at index: Int) {
        outcome.decisions[index].action = .skip
        outcome.decisions[index].rule = "triage-skip"
        outcome.decisions[index].reason = settledReason(ifYes: doubt.ifYes, question: doubt.question, rulesSaid: outcome.decisions[index].reason)
        outcome.settled += 1
    }
}
