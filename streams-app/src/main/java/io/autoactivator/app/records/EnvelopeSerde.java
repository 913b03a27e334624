package io.autoactivator.app.records;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of an {@link Envelope} for internal topics and stores. Internal only: it is written and read by this
 * app alone, so a fixed layout with a version byte is enough.
 */
public final class EnvelopeSerde implements Serde<Envelope> {

  private static final byte VERSION = 1;

  /** Encodes an envelope. */
  public static byte[] encode(Envelope e) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + e.value().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(e.kind().ordinal());
      out.writeUTF(e.topic());
      out.writeInt(e.partition());
      out.writeLong(e.offset());
      out.writeLong(e.seenAt());
      writeBytes(out, e.key());
      writeBytes(out, e.value());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  /** Decodes what {@link #encode} wrote. */
  public static Envelope decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IOException("unknown envelope version " + version);
      }
      Envelope.Kind kind = Envelope.Kind.values()[in.readByte()];
      return new Envelope(kind, in.readUTF(), in.readInt(), in.readLong(), in.readLong(), readBytes(in),
          readBytes(in));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  @Override
  public Serializer<Envelope> serializer() {
    return (topic, e) -> e == null ? null : encode(e);
  }

  @Override
  public Deserializer<Envelope> deserializer() {
    return (topic, data) -> data == null ? null : decode(data);
  }
}
