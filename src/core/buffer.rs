//! The send buffer: messages sent while the socket is not open, kept in order until it opens.
//!
//! The buffer is generic over the message `M`, so the browser driver keeps JS values (strings,
//! `ArrayBuffer`s, `Blob`s) where they are and only tells the buffer each one's size in bytes.
//! A message over a limit is refused and handed back inside the [`SendError`]: nothing is
//! dropped silently.
//!
//! ```
//! use wsguard::core::buffer::{SendBuffer, SendRefusal};
//!
//! let mut buffer = SendBuffer::new(2, 1024);
//! buffer.push("a", 1).unwrap();
//! buffer.push("b", 1).unwrap();
//! let err = buffer.push("c", 1).unwrap_err();
//! assert_eq!(err.refusal, SendRefusal::TooManyMessages { limit: 2 });
//! assert_eq!(err.into_message(), "c");
//! assert_eq!(buffer.drain().collect::<Vec<_>>(), ["a", "b"]);
//! ```

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::text::{concat, decimal};

/// Why a send was refused. [`SendRefusal::message`] (and `Display`) says it in a sentence.
///
/// ```
/// use wsguard::core::buffer::SendRefusal;
/// assert!(SendRefusal::Closed.message().contains("closed"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendRefusal {
    /// The client was closed with `close()` (or gave up): it will never open again.
    Closed,
    /// The socket is not open and buffering is off (`max_buffered_messages` or
    /// `max_buffered_bytes` is 0).
    BufferingDisabled,
    /// The socket is not open and `max_buffered_messages` messages are already queued.
    TooManyMessages {
        /// `max_buffered_messages`.
        limit: u32,
    },
    /// The socket is not open and the message would take the queue past `max_buffered_bytes`.
    TooManyBytes {
        /// `max_buffered_bytes`.
        limit: u64,
        /// Bytes already queued.
        queued: u64,
        /// The refused message's size.
        size: u64,
    },
}

impl SendRefusal {
    /// The refusal in a sentence, starting with `wsguard: `, options named in the core's spelling
    /// between backticks (the JS layer respells them).
    ///
    /// ```
    /// use wsguard::core::buffer::SendRefusal;
    /// let refusal = SendRefusal::TooManyBytes { limit: 100, queued: 60, size: 41 };
    /// assert_eq!(
    ///     refusal.message(),
    ///     "wsguard: send() while not connected: a message of 41 bytes does not fit the \
    ///      buffer (60 of `max_buffered_bytes` 100 used)",
    /// );
    /// ```
    pub fn message(&self) -> String {
        match *self {
            Self::Closed => "wsguard: send() after the client was closed".into(),
            Self::BufferingDisabled => "wsguard: send() while not connected, and buffering is off (`max_buffered_messages` or `max_buffered_bytes` is 0)".into(),
            Self::TooManyMessages { limit } => concat(&[
                "wsguard: send() while not connected, and the buffer already holds `max_buffered_messages` (",
                &decimal(limit.into()),
                ") messages",
            ]),
            Self::TooManyBytes { limit, queued, size } => concat(&[
                "wsguard: send() while not connected: a message of ",
                &decimal(size),
                " bytes does not fit the buffer (",
                &decimal(queued),
                " of `max_buffered_bytes` ",
                &decimal(limit),
                " used)",
            ]),
        }
    }
}

impl fmt::Display for SendRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// A refused send: why, and the message itself, handed back to the caller.
///
/// ```
/// use wsguard::core::buffer::{SendBuffer, SendRefusal};
/// let mut buffer = SendBuffer::new(0, 0);
/// let err = buffer.push(vec![1u8], 1).unwrap_err();
/// assert_eq!(err.refusal, SendRefusal::BufferingDisabled);
/// assert_eq!(err.message, vec![1u8]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendError<M> {
    /// Why the message was refused.
    pub refusal: SendRefusal,
    /// The refused message.
    pub message: M,
}

impl<M> SendError<M> {
    /// The refused message.
    ///
    /// ```
    /// use wsguard::core::buffer::{SendError, SendRefusal};
    /// let err = SendError { refusal: SendRefusal::Closed, message: "hi" };
    /// assert_eq!(err.into_message(), "hi");
    /// ```
    pub fn into_message(self) -> M {
        self.message
    }
}

impl<M> fmt::Display for SendError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.refusal.message())
    }
}

impl<M: fmt::Debug> core::error::Error for SendError<M> {}

/// Messages waiting for the socket to open, in the order they were sent, bounded by a count
/// and a total size.
///
/// ```
/// use wsguard::core::buffer::SendBuffer;
/// let mut buffer = SendBuffer::new(10, 5);
/// buffer.push("abc", 3).unwrap();
/// assert!(buffer.push("def", 3).is_err());
/// assert_eq!((buffer.len(), buffer.bytes()), (1, 3));
/// ```
#[derive(Clone, Debug)]
pub struct SendBuffer<M> {
    queue: VecDeque<(M, u64)>,
    bytes: u64,
    max_messages: u32,
    max_bytes: u64,
}

impl<M> SendBuffer<M> {
    /// An empty buffer holding at most `max_messages` messages and `max_bytes` bytes; either
    /// limit at 0 disables buffering.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// assert!(SendBuffer::<String>::new(1000, 1 << 20).is_empty());
    /// ```
    pub fn new(max_messages: u32, max_bytes: u64) -> Self {
        Self {
            queue: VecDeque::new(),
            bytes: 0,
            max_messages,
            max_bytes,
        }
    }

    /// Queues `message` of `size` bytes, or hands it back if it does not fit.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// let mut buffer = SendBuffer::new(1, 100);
    /// assert!(buffer.push('a', 1).is_ok());
    /// assert_eq!(buffer.push('b', 1).unwrap_err().into_message(), 'b');
    /// ```
    pub fn push(&mut self, message: M, size: u64) -> Result<(), SendError<M>> {
        let refusal = if self.max_messages == 0 || self.max_bytes == 0 {
            Some(SendRefusal::BufferingDisabled)
        } else if self.queue.len() >= self.max_messages as usize {
            Some(SendRefusal::TooManyMessages {
                limit: self.max_messages,
            })
        } else if size > self.max_bytes - self.bytes {
            Some(SendRefusal::TooManyBytes {
                limit: self.max_bytes,
                queued: self.bytes,
                size,
            })
        } else {
            None
        };
        match refusal {
            Some(refusal) => Err(SendError { refusal, message }),
            None => {
                self.bytes += size;
                self.queue.push_back((message, size));
                Ok(())
            }
        }
    }

    /// Takes every queued message out, oldest first.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// let mut buffer = SendBuffer::new(10, 100);
    /// buffer.push(1, 1).unwrap();
    /// assert_eq!(buffer.drain().next(), Some(1));
    /// assert_eq!(buffer.bytes(), 0);
    /// ```
    pub fn drain(&mut self) -> impl Iterator<Item = M> + '_ {
        self.bytes = 0;
        // Moved out one by one rather than with `VecDeque::drain`, whose drop code costs
        // about 800 bytes of WebAssembly; the queue keeps its capacity either way.
        let mut taken = Vec::with_capacity(self.queue.len());
        while let Some((message, _)) = self.queue.pop_front() {
            taken.push(message);
        }
        taken.into_iter()
    }

    /// How many messages are queued.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// assert_eq!(SendBuffer::<u8>::new(1, 1).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is queued.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// assert!(SendBuffer::<u8>::new(1, 1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The total size of the queued messages, in bytes.
    ///
    /// ```
    /// use wsguard::core::buffer::SendBuffer;
    /// let mut buffer = SendBuffer::new(10, 100);
    /// buffer.push("hello", 5).unwrap();
    /// assert_eq!(buffer.bytes(), 5);
    /// ```
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}
