package dev.lifeboat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's JSON log line (LIFEBOAT_LOG_FORMAT=json): one object per line, with the keys log
 * collectors look for — {@code timestamp} (ISO 8601, UTC), {@code level}, {@code logger},
 * {@code thread}, {@code message} — then the MDC (during a reconcile the operator SDK puts the
 * resource there: {@code resource.kind}, {@code resource.namespace}, {@code resource.name}, ...)
 * and, when there is one, the {@code exception} with its stack trace as one string, so even a
 * failure stays on one line. logback's own JsonEncoder writes epoch milliseconds and
 * {@code formattedMessage} and cannot rename them.
 */
public class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.getInstant()));
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null) {
        for (Map.Entry<String, String> entry : new TreeMap<>(mdc).entrySet()) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", ThrowableProxyUtil.asString(thrown).strip());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return line.append(CoreConstants.LINE_SEPARATOR).toString();
  }
}
