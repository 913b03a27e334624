package io.autoactivator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The floor plan, checked from the sources: no package of the service or of the learner depends, through any
 * chain of references, on itself, and the tooling ({@code cli}, {@code embedded}) is used by no service package.
 *
 * <p>A plain scan: every {@code io.autoactivator.<...>.<Type>} reference in a file (imports and fully qualified
 * names alike) is an arrow from the file's package to the type's package. Run with the module as working directory
 * (what Surefire does); the learner's sources are read from {@code ../model}.
 */
class PackageCyclesTest {

  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.autoactivator(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  @Test
  void streamsAppHasNoPackageCycle() {
    assertThat(cycles(imports(Path.of("src/main/java")))).isEmpty();
  }

  @Test
  void modelHasNoPackageCycle() {
    assertThat(cycles(imports(Path.of("../model/src/main/java")))).isEmpty();
  }

  @Test
  void serviceDoesNotDependOnTheTooling() {
    Map<String, Set<String>> graph = imports(Path.of("src/main/java"));
    Map<String, Set<String>> leaks = new TreeMap<>();
    graph.forEach((from, targets) -> {
      if (isTooling(from)) {
        return;
      }
      targets.stream().filter(PackageCyclesTest::isTooling)
          .forEach(to -> leaks.computeIfAbsent(from, k -> new TreeSet<>()).add(to));
    });
    assertThat(leaks).isEmpty();
  }

  @Test
  void theScanFindsACycle() {
    Map<String, Set<String>> graph = new HashMap<>();
    graph.put("a", Set.of("b"));
    graph.put("b", Set.of("c"));
    graph.put("c", Set.of("a", "d"));
    graph.put("d", Set.of());
    assertThat(cycles(graph)).containsExactly(List.of("a", "b", "c"));
  }

  private static boolean isTooling(String pkg) {
    return pkg.equals("io.autoactivator.app.cli") || pkg.equals("io.autoactivator.app.embedded");
  }

  /** Package -> the other packages its files refer to (io.autoactivator only). */
  static Map<String, Set<String>> imports(Path sourceRoot) {
    assertThat(sourceRoot).isDirectory();
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
          continue;
        }
        String from = pkg.group(1);
        Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher ref = REFERENCE.matcher(source.substring(pkg.end()));
        while (ref.find()) {
          if (!ref.group(1).equals(from)) {
            targets.add(ref.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The strongly connected components with more than one package (Tarjan), each sorted. */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> found = new ArrayList<>();
    for (String node : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(node)) {
        connect(node, graph, index, low, stack, onStack, found);
      }
    }
    return found;
  }

  private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> found) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, graph, index, low, stack, onStack, found);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      List<String> component = new ArrayList<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) {
        component.sort(null);
        found.add(component);
      }
    }
  }
}
