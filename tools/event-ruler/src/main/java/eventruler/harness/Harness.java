package eventruler.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.MachineComplexityEvaluator;
import software.amazon.event.ruler.Patterns;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Runs aws/event-ruler over JSON lines, one JVM for a whole batch.
 *
 * <pre>
 * match: stdin {"id":..,"pattern":"&lt;pattern text&gt;","event":"&lt;event text&gt;"}
 *        stdout {"id":..,"match":bool} | {"id":..,"error":"..."} (pattern does not compile)
 *               | {"id":..,"machineError":"..."} (JsonRuleCompiler accepts the pattern but
 *                 Machine throws while adding it: an event-ruler defect, not a verdict)
 *               | {"id":..,"eventError":"..."} (event-ruler refuses the event text)
 *               | {"id":..,"matchError":"..."} (event-ruler throws on a well-formed event)
 * check: stdin {"id":..,"pattern":"..."} stdout {"id":..,"valid":bool,"error":"..."|null}
 * complexity: stdin {"id":..,"pattern":"..."}
 *        stdout {"id":..,"complexity":n,"min":n,"max":n} (Machine.evaluateComplexity of a machine
 *               holding the pattern, capped at 100; min and max over six builds, which can differ)
 *               | {"id":..,"error":"..."} | {"id":..,"machineError":"..."}
 * case-mappings: stdout one JSON object: the running Java's version and, for every UTF-16 code
 *        unit c whose String.valueOf(c).toLowerCase(Locale.ROOT) or .toUpperCase(Locale.ROOT) is not
 *        c itself, [c, lower, upper] (what EqualsIgnoreCaseParser turns each unit of a value into)
 * bench &lt;patterns.json&gt; &lt;events.jsonl&gt; [warmupRounds] [timedRounds]
 *        stdout one JSON object with events/s and match counts
 * </pre>
 */
public final class Harness {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bounded so that a run of 100,000 distinct patterns does not hold 100,000 machines. */
    private static final int MACHINE_CACHE_SIZE = 4096;

    private Harness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            return;
        }
        switch (args[0]) {
            case "match":
                match();
                break;
            case "check":
                check();
                break;
            case "complexity":
                complexity();
                break;
            case "case-mappings":
                caseMappings();
                break;
            case "bench":
                if (args.length < 3) {
                    usage();
                    return;
                }
                bench(Path.of(args[1]), Path.of(args[2]),
                        args.length > 3 ? Integer.parseInt(args[3]) : 3,
                        args.length > 4 ? Integer.parseInt(args[4]) : 5);
                break;
            default:
                usage();
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar event-ruler-harness.jar match|check|complexity < lines.jsonl");
        System.err.println("       java -jar event-ruler-harness.jar case-mappings");
        System.err.println("       java -jar event-ruler-harness.jar bench <patterns.json> <events.jsonl> [warmupRounds] [timedRounds]");
        System.exit(2);
    }

    /**
     * Compiles a pattern into a one-rule machine.
     *
     * <p>Machine.addRule(String) silently retries a pattern that JsonRuleCompiler rejects with the
     * legacy RuleCompiler, which accepts some texts EventBridge refuses. Going through
     * JsonRuleCompiler.compile directly keeps exactly the compiler whose messages EventBridge shows.
     */
    static Machine compile(String name, String patternText, Machine machine) throws IOException {
        List<Map<String, List<Patterns>>> rules = JsonRuleCompiler.compile(patternText);
        for (Map<String, List<Patterns>> rule : rules) {
            machine.addPatternRule(name, rule);
        }
        return machine;
    }

    /** Why a pattern could not be turned into a machine, and at which step. */
    private static final class Refusal {
        final String field;
        final String message;

        Refusal(String field, String message) {
            this.field = field;
            this.message = message;
        }
    }

    /** A one-rule machine, or a Refusal: "error" from the compiler, "machineError" from Machine. */
    private static Object machineFor(String patternText) {
        List<Map<String, List<Patterns>>> rules;
        try {
            rules = JsonRuleCompiler.compile(patternText);
        } catch (Exception e) {
            return new Refusal("error", message(e));
        }
        Machine machine = new Machine();
        try {
            for (Map<String, List<Patterns>> rule : rules) {
                machine.addPatternRule("rule", rule);
            }
        } catch (RuntimeException e) {
            return new Refusal("machineError", e.getClass().getSimpleName() + ": " + message(e));
        }
        return machine;
    }

    /** The version Maven recorded in the shaded jar, so a bench result names what it measured. */
    private static String eventRulerVersion() {
        try (InputStream in = Harness.class.getResourceAsStream(
                "/META-INF/maven/software.amazon.event.ruler/event-ruler/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Tells a refused event text from a crash while matching a well-formed event. */
    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text).isObject();
        } catch (IOException e) {
            return false;
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getName() : m;
    }

    private static BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    }

    private static Writer stdout() {
        return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    }

    private static void match() throws IOException {
        // Value is a Machine or a Refusal.
        Map<String, Object> cache = new LinkedHashMap<>(MACHINE_CACHE_SIZE, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > MACHINE_CACHE_SIZE;
            }
        };
        try (BufferedReader in = stdin(); Writer out = stdout()) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode request = JSON.readTree(line);
                ObjectNode response = JSON.createObjectNode();
                response.set("id", request.get("id"));
                String patternText = request.path("pattern").asText();
                Object compiled = cache.get(patternText);
                if (compiled == null) {
                    compiled = machineFor(patternText);
                    cache.put(patternText, compiled);
                }
                if (compiled instanceof Refusal) {
                    Refusal refusal = (Refusal) compiled;
                    response.put(refusal.field, refusal.message);
                } else {
                    JsonNode event = request.get("event");
                    try {
                        List<String> matched = ((Machine) compiled).rulesForJSONEvent(event.asText());
                        response.put("match", !matched.isEmpty());
                    } catch (Exception e) {
                        response.put(isJsonObject(event.asText()) ? "matchError" : "eventError", message(e));
                    }
                }
                out.write(JSON.writeValueAsString(response));
                out.write('\n');
                // Batch callers keep the buffer full; an interactive caller (the differential
                // run's minimizer) waits for each answer, so flush whenever input runs dry.
                if (!in.ready()) {
                    out.flush();
                }
            }
        }
    }

    private static void check() throws IOException {
        try (BufferedReader in = stdin(); Writer out = stdout()) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode request = JSON.readTree(line);
                ObjectNode response = JSON.createObjectNode();
                response.set("id", request.get("id"));
                String error = JsonRuleCompiler.check(request.path("pattern").asText());
                response.put("valid", error == null);
                if (error == null) {
                    response.putNull("error");
                } else {
                    response.put("error", error);
                }
                out.write(JSON.writeValueAsString(response));
                out.write('\n');
                if (!in.ready()) {
                    out.flush();
                }
            }
        }
    }

    /** The cap EventBridge-like callers pass; far above any score the engine accepts. */
    private static final int COMPLEXITY_CAP = 100;
    /** How many times each pattern's machine is built for its complexity. */
    private static final int COMPLEXITY_BUILDS = 6;

    private static void complexity() throws IOException {
        try (BufferedReader in = stdin(); Writer out = stdout()) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode request = JSON.readTree(line);
                ObjectNode response = JSON.createObjectNode();
                response.set("id", request.get("id"));
                String patternText = request.path("pattern").asText();
                Object compiled = machineFor(patternText);
                if (compiled instanceof Refusal) {
                    Refusal refusal = (Refusal) compiled;
                    response.put(refusal.field, refusal.message);
                } else {
                    // ByteMachine iterates HashSets of states hashed by identity while it shares
                    // states, so some machines come out differently from one build to the next:
                    // build it a few times, with the identity hashes moved on in between.
                    int first = ((Machine) compiled).evaluateComplexity(new MachineComplexityEvaluator(COMPLEXITY_CAP));
                    int min = first;
                    int max = first;
                    for (int build = 1; build < COMPLEXITY_BUILDS; build++) {
                        for (int k = 0; k < build * 7; k++) {
                            System.identityHashCode(new Object());
                        }
                        Object again = machineFor(patternText);
                        int score = ((Machine) again).evaluateComplexity(new MachineComplexityEvaluator(COMPLEXITY_CAP));
                        min = Math.min(min, score);
                        max = Math.max(max, score);
                    }
                    response.put("complexity", first);
                    response.put("min", min);
                    response.put("max", max);
                }
                out.write(JSON.writeValueAsString(response));
                out.write('\n');
                if (!in.ready()) {
                    out.flush();
                }
            }
        }
    }

    /**
     * The per-unit case alternatives EqualsIgnoreCaseParser uses (event-ruler 2.1.0 calls
     * toLowerCase/toUpperCase(Locale.ROOT) on the one-unit String of each char), for the whole BMP.
     */
    private static void caseMappings() throws IOException {
        ObjectNode result = JSON.createObjectNode();
        result.put("javaVersion", System.getProperty("java.version"));
        ArrayNode mappings = result.putArray("mappings");
        for (int c = 0; c <= 0xFFFF; c++) {
            String unit = String.valueOf((char) c);
            String lower = unit.toLowerCase(Locale.ROOT);
            String upper = unit.toUpperCase(Locale.ROOT);
            if (!lower.equals(unit) || !upper.equals(unit)) {
                ArrayNode row = mappings.addArray();
                row.add(c);
                row.add(lower);
                row.add(upper);
            }
        }
        try (Writer out = stdout()) {
            out.write(JSON.writeValueAsString(result));
            out.write('\n');
        }
    }

    private static void bench(Path patternsFile, Path eventsFile, int warmupRounds, int timedRounds)
            throws Exception {
        JsonNode patterns = JSON.readTree(Files.readString(patternsFile, StandardCharsets.UTF_8));
        Machine machine = new Machine();
        String[] names = new String[patterns.size()];
        for (int i = 0; i < patterns.size(); i++) {
            names[i] = "p" + i;
            compile(names[i], patterns.get(i).asText(), machine);
        }
        List<String> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(eventsFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    events.add(line);
                }
            }
        }

        long sink = 0;
        for (int r = 0; r < warmupRounds; r++) {
            for (String event : events) {
                sink += machine.rulesForJSONEvent(event).size();
            }
        }

        double[] rates = new double[timedRounds];
        long matchesPerRound = -1;
        for (int r = 0; r < timedRounds; r++) {
            long matches = 0;
            long start = System.nanoTime();
            for (String event : events) {
                matches += machine.rulesForJSONEvent(event).size();
            }
            long elapsed = System.nanoTime() - start;
            rates[r] = events.size() / (elapsed / 1e9);
            matchesPerRound = matches;
            sink += matches;
        }

        // Counted outside the timed loop so that the bookkeeping does not slow the measured one.
        long[] byPattern = new long[names.length];
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        for (String event : events) {
            for (String rule : machine.rulesForJSONEvent(event)) {
                byPattern[index.get(rule)]++;
            }
        }

        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        ObjectNode result = JSON.createObjectNode();
        result.put("engine", "event-ruler");
        result.put("eventRulerVersion", eventRulerVersion());
        result.put("java", System.getProperty("java.version"));
        result.put("patterns", names.length);
        result.put("events", events.size());
        result.put("warmupRounds", warmupRounds);
        result.put("timedRounds", timedRounds);
        result.put("eventsPerSecond", timedRounds == 0 ? 0 : sorted[timedRounds / 2]);
        result.put("bestEventsPerSecond", timedRounds == 0 ? 0 : sorted[timedRounds - 1]);
        ArrayNode rounds = result.putArray("roundEventsPerSecond");
        for (double rate : rates) {
            rounds.add(rate);
        }
        result.put("matches", matchesPerRound);
        ArrayNode perPattern = result.putArray("matchesByPattern");
        for (long count : byPattern) {
            perPattern.add(count);
        }
        result.put("sink", sink);
        System.out.println(JSON.writeValueAsString(result));
    }
}
