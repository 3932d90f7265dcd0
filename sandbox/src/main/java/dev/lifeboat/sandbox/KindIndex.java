package dev.lifeboat.sandbox;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * For {@code bench/operator-scale.sh} only: the mock API server's objects kept per kind and
 * namespace, so that a request scans the objects of its own kind (and namespace, when it names one)
 * instead of every object the server holds.
 *
 * <p>The CRUD dispatcher matches each request against all stored objects (a linear scan). At 1,000
 * policies it spent more CPU than the operator it served, and at 10,000 the scan, not the operator,
 * would be measured. This map is put in the dispatcher's place; a request's kind and namespace (from
 * its path, as the dispatcher reads it) are held for the thread that dispatches it, and while they
 * are, the map shows only the objects of that kind (in that namespace, when the request names one; an
 * object of another namespace cannot match it). A request of no kind sees them all. Which objects a
 * request matches is unchanged (the dispatcher still matches them); the benchmark compares runs
 * with and without it ({@code LIFEBOAT_SCALE_INDEX=0}).
 */
final class KindIndex extends AbstractMap<AttributeSet, String> {
  private static final Pattern SUBRESOURCE =
      Pattern.compile("^(/apis?/.+/namespaces/[^/]+/[^/]+/[^/?]+)/(?:log|status|scale|exec|attach|eviction)(\\?.*)?$");
  private static final String KIND = "kind";
  private static final String NAMESPACE = "namespace";
  /** No kind, or (as a namespace) cluster-scoped or every namespace. */
  private static final String NONE = "";

  /** Kind, then namespace. */
  private final Map<String, Map<String, Map<AttributeSet, String>>> byKind = new LinkedHashMap<>();
  private final ThreadLocal<AttributeSet> current = new ThreadLocal<>();

  /** Puts an index in {@code crud}'s place (before it holds anything) and returns the dispatcher to serve. */
  static Dispatcher install(CrudDispatcher crud, Dispatcher served) {
    KindIndex index = new KindIndex();
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      if (!((Map<?, ?>) map.get(crud)).isEmpty()) {
        throw new IllegalStateException("the API server already holds objects");
      }
      map.set(crud, index);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this mock server keeps its objects differently", e);
    }
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        index.current.set(path == null ? null : crud.getAttributeExtractor().fromPath(objectPath(path)));
        try {
          return served.dispatch(request);
        } finally {
          index.current.remove();
        }
      }

      @Override
      public void shutdown() {
        served.shutdown();
      }
    };
  }

  /**
   * The path of the object a subresource request is about: {@code .../pods/p/log} reads pod p (the
   * sandbox's dispatchers serve subresources by reading their object), where the extractor would
   * find no kind and the request would scan every object.
   */
  static String objectPath(String path) {
    return SUBRESOURCE.matcher(path).replaceFirst("$1$2");
  }

  /** The one value of {@code name} a query or object holds, or {@link #NONE}. */
  private static String single(AttributeSet attributes, String name) {
    Attribute attribute = attributes.getAttribute(name);
    if (attribute == null || attribute.getType() != AttributeType.WITH || attribute.getValues().size() != 1) {
      return NONE;
    }
    return attribute.getValues().get(0).toString();
  }

  private synchronized Map<AttributeSet, String> bucket(AttributeSet key) {
    return byKind.computeIfAbsent(single(key, KIND), k -> new LinkedHashMap<>())
        .computeIfAbsent(single(key, NAMESPACE), n -> new LinkedHashMap<>());
  }

  @Override
  public synchronized String put(AttributeSet key, String value) {
    return bucket(key).put(key, value);
  }

  @Override
  public synchronized String get(Object key) {
    return key instanceof AttributeSet set ? bucket(set).get(set) : null;
  }

  @Override
  public synchronized String remove(Object key) {
    return key instanceof AttributeSet set ? bucket(set).remove(set) : null;
  }

  @Override
  public synchronized boolean containsKey(Object key) {
    return key instanceof AttributeSet set && bucket(set).containsKey(set);
  }

  @Override
  public Set<Entry<AttributeSet, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<AttributeSet, String>> iterator() {
        return visible().iterator();
      }

      @Override
      public int size() {
        return visible().size();
      }
    };
  }

  /**
   * A copy of the entries the current request may match: its kind's and those of no kind, or all.
   * A copy, as the dispatcher changes the map while it walks it (it collects, then deletes).
   */
  private synchronized List<Entry<AttributeSet, String>> visible() {
    AttributeSet request = current.get();
    String kind = request == null ? NONE : single(request, KIND);
    String namespace = request == null ? NONE : single(request, NAMESPACE);
    List<Entry<AttributeSet, String>> entries = new ArrayList<>();
    byKind.forEach((bucketKind, namespaces) -> {
      if (kind.equals(NONE) || bucketKind.equals(kind) || bucketKind.equals(NONE)) {
        namespaces.forEach((bucketNamespace, objects) -> {
          if (namespace.equals(NONE) || bucketNamespace.equals(namespace) || bucketNamespace.equals(NONE)) {
            objects.forEach((k, v) -> entries.add(new SimpleImmutableEntry<>(k, v)));
          }
        });
      }
    });
    return entries;
  }
}
