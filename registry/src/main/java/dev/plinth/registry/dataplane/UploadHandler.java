/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.dataplane;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Map;

/**
 * What the data plane asks of its owner to receive uploads at signed upload URLs ({@link
 * DataPlane#signUpload}). The data plane does the byte work (socket to file, hashing on a second
 * thread, periodic and final fsync); the owner checks the request and gives the answer. Every
 * method runs on a worker thread and may block.
 */
public interface UploadHandler {

  /**
   * Opens the destination of a request with a body (PATCH, PUT).
   *
   * @param grant what {@link DataPlane#signUpload} was given
   * @param self the request's URL ({@code http://HOST/u/TOKEN} as the client addressed the data
   *     plane, or the path alone without a Host header), for a Location to come back to
   * @param contentLength Content-Length, or -1 (chunked transfer)
   * @param contentRange the Content-Range header, or null
   * @throws Rejected to answer without reading the body (the connection is then closed)
   */
  Target open(
      String grant,
      String method,
      String self,
      Map<String, String> query,
      long contentLength,
      String contentRange)
      throws IOException;

  /** Answers a request without a body (GET, HEAD, DELETE, or any other method). */
  Answer answer(String grant, String method, String self) throws IOException;

  /** Where the body of one request goes. */
  interface Target {
    /** The file; bytes are written at {@code start() + offset} with positional writes. */
    FileChannel channel();

    long start();

    /** How many bytes this request may append at most. */
    long limit();

    /** The digest to update with the body, in order, or null. */
    MessageDigest digest();

    /**
     * Every byte is written and, when there is a digest, hashed; the file is not yet forced. Makes
     * the bytes durable and answers.
     */
    Answer complete(long written) throws IOException;

    /**
     * The request failed after {@link #open} (the client went away, the body was too large, a write
     * failed): undo and answer (the answer is sent if the connection is still open).
     *
     * @param tooLarge true when the body went past {@link #limit}
     */
    Answer fail(long written, Throwable cause, boolean tooLarge);
  }

  /** A response: status, headers and a small body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {}

  /** Thrown by {@link #open} or {@link #answer} to refuse a request with {@code answer}. */
  final class Rejected extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Answer answer;

    public Rejected(Answer answer) {
      super("rejected with " + answer.status());
      this.answer = answer;
    }

    public Answer answer() {
      return answer;
    }
  }
}
