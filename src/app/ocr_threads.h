// The OpenMP thread limit of the OCR engine, set before the process does any work.
#pragma once

namespace ekyc::app {

// Tesseract runs its LSTM with fixed-size OpenMP teams. Each worker (or the one `ekyc read`
// thread) already owns an OCR engine, so those teams only oversubscribe the cores: on 2 busy cores
// a card side took 6.6 s, not 0.7 s, and its CPU time counted the teams' spinning. libgomp reads
// OMP_THREAD_LIMIT once when it loads, so when the operator has not set it, the process
// re-executes itself once with OMP_THREAD_LIMIT=EKYC_OCR_THREADS (default 1; 0 = leave OpenMP
// alone). Returns normally when nothing needs doing or exec fails (with a warning).
void LimitOcrThreads();

}  // namespace ekyc::app
