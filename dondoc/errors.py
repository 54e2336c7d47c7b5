"""Typed errors. Each carries a reason a văn thư understands (in Vietnamese,
then English) and, in `detail`, the technical cause.

Per-file errors (exit_code None) become rows of errors.csv and the run goes on;
run-level errors stop the run with one line on stderr and their exit code.
"""
from __future__ import annotations


class DondocError(Exception):
    reason = "Không xử lý được tệp này. / This file could not be processed."
    exit_code: int | None = None  # None: per-file error, the run continues

    def __init__(self, detail: str = "", *, path: str | None = None):
        super().__init__(detail or self.reason)
        self.detail = detail
        self.path = path


# --- per-file errors: listed in errors.csv, the file is left untouched -------------

class EmptyFile(DondocError):
    reason = "Tệp rỗng (0 byte), không có nội dung. / The file is empty."


class UnsupportedFormat(DondocError):
    reason = ("Định dạng tệp không được hỗ trợ; đề nghị gửi PDF, Word, ảnh hoặc văn bản. "
              "/ This kind of file is not supported.")


class CorruptFile(DondocError):
    reason = "Tệp bị hỏng hoặc không đầy đủ, không mở được. / The file is damaged or truncated."


class CorruptPdf(CorruptFile):
    reason = "PDF bị hỏng hoặc không đầy đủ. / The PDF is damaged or truncated."


class EncryptedPdf(DondocError):
    reason = ("Tệp PDF có mật khẩu nên không đọc được; đề nghị gửi bản không đặt mật khẩu. "
              "/ The PDF is password-protected.")


class ImageTooLarge(DondocError):
    reason = ("Ảnh quá lớn để xử lý an toàn; đề nghị quét lại ở độ phân giải 300 dpi. "
              "/ The image is too large to decode safely.")


class TooManyPages(DondocError):
    reason = "Tệp có quá nhiều trang. / The file has more pages than the configured limit."


class FileTooLarge(DondocError):
    reason = ("Tệp quá lớn (vượt giới hạn dung lượng); đề nghị tách tệp hoặc quét lại ở 300 dpi. "
              "/ The file is larger than the configured size limit.")


class NoText(DondocError):
    reason = ("Không tìm thấy chữ trong tệp (trang trắng hoặc ảnh không đọc được). "
              "/ No text could be found in the file.")


class NotVietnamese(DondocError):
    reason = ("Văn bản không phải tiếng Việt nên không trích xuất được. "
              "/ The document is not in Vietnamese.")


class ToolMissing(DondocError):
    """A program the reader needs (tesseract, LibreOffice) is not installed."""
    reason = ("Máy chưa cài chương trình cần để đọc loại tệp này. "
              "/ A program needed to read this file is not installed.")


class OcrFailed(DondocError):
    """Tesseract crashed or was killed: transient, worth one retry."""
    reason = "Nhận dạng chữ (OCR) bị lỗi. / OCR failed on this file."
    transient = True


# --- run-level errors: the run cannot proceed --------------------------------------

class RunError(DondocError):
    exit_code = 2


class BadArguments(RunError):
    reason = "Tham số không hợp lệ. / Invalid arguments."


class OutputNotWritable(RunError):
    reason = "Không ghi được vào thư mục kết quả. / The output folder is not writable."


class InboxMissing(RunError):
    reason = "Không tìm thấy thư mục văn bản đến. / The inbox folder does not exist."


class RunLocked(RunError):
    exit_code = 3
    reason = ("Một lần chạy khác đang ghi vào thư mục kết quả này. "
              "/ Another run is writing to this output folder.")
