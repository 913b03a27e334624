package io.autoactivator.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OpsHttpServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthEndpointsFollowTheChecks() throws Exception {
    AtomicBoolean live = new AtomicBoolean(true);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OpsHttpServer server = OpsHttpServer.start(0, live::get, ready::get, () -> "")) {
      assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(503);
      ready.set(true);
      live.set(false);
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(server, "/health/live").statusCode()).isEqualTo(503);
      assertThat(get(server, "/nothing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void metricsShowOurCountersJvmAndKafkaStreams() throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    try (OpsMetrics metrics = new OpsMetrics("test-1");
         KafkaStreams streams = new KafkaStreams(builder.build(), props);
         OpsHttpServer server = OpsHttpServer.start(0, () -> true, () -> true, metrics::scrape)) {
      metrics.registry().counter("autoactivator.samples.accepted").increment(3);
      metrics.bind(streams);

      HttpResponse<String> response = get(server, "/metrics");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/plain"));
      assertThat(response.body())
          .contains("autoactivator_samples_accepted_total{instance=\"test-1\"} 3.0")
          .contains("jvm_memory_used_bytes")
          .containsPattern("(?m)^kafka_stream_");
    }
  }

  @Test
  void idleConnectionsDoNotStarveTheHealthProbes() throws Exception {
    try (OpsHttpServer server = OpsHttpServer.start("127.0.0.1", 0, 8, 10_000, () -> true, () -> true, () -> "");
         java.net.Socket idle1 = new java.net.Socket("127.0.0.1", server.port());
         java.net.Socket idle2 = new java.net.Socket("127.0.0.1", server.port());
         java.net.Socket idle3 = new java.net.Socket("127.0.0.1", server.port())) {
      for (java.net.Socket slow : java.util.List.of(idle1, idle2, idle3)) {
        slow.getOutputStream().write("GET /health/live HTTP/1.1\r\n".getBytes()); // and never finishes
        slow.getOutputStream().flush();
      }
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.port() + "/health/live")).timeout(java.time.Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  /** An IPv4 address of this machine other than loopback, if it has one. */
  private static java.util.Optional<java.net.InetAddress> outsideAddress() throws Exception {
    return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .filter(i -> {
          try {
            return i.isUp() && !i.isLoopback();
          } catch (java.net.SocketException e) {
            return false;
          }
        })
        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst();
  }

  @Test
  void boundToLoopbackTheEndpointsAreNotReachableFromOtherInterfaces() throws Exception {
    java.net.InetAddress outside = outsideAddress().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has only a loopback interface");
    try (OpsHttpServer everywhere = OpsHttpServer.start(null, 0, 2, 5_000, () -> true, () -> true, () -> "");
        OpsHttpServer loopback = OpsHttpServer.start("127.0.0.1", 0, 2, 5_000, () -> true, () -> true, () -> "")) {
      assertThat(get(loopback, "/health/live").statusCode()).isEqualTo(200);
      try (java.net.Socket s = new java.net.Socket(outside, everywhere.port())) {
        assertThat(s.isConnected()).as("without a bind address, every interface").isTrue();
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket(outside, loopback.port()).close())
          .isInstanceOf(java.net.ConnectException.class);
    }
  }
}
