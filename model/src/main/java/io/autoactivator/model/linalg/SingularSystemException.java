package io.autoactivator.model.linalg;

/** A linear system had no unique solution; the caller should regularise more, not retry. */
public class SingularSystemException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  public SingularSystemException(String message) {
    super(message);
  }
}
