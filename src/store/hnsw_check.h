// Checks a serialised hnswlib 0.6.2 graph before hnswlib loads it. hnswlib's loader trusts its
// file: sizes it reads become allocations and neighbour ids become memory offsets, so a damaged
// or forged graph could make the loader allocate without bound or a later search read outside
// the index. Snapshots are authenticated (AES-GCM under the data key), so such a file comes only
// from a writer bug or from someone holding the key; it is still refused cleanly, and the caller
// rebuilds the index from the tables.
//
// Thread-safety: a pure function over a file it only reads.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace ekyc::store {

// OK when the graph at `path` has the layout AnnIndex writes for `dim` (8-bit codes: a float
// scale and dim bytes per point), M = `m` and `ef_construction`; every neighbour list within its
// size and pointing at points that exist and live on that level; the entry point on the top
// level; and its capacity within what AnnIndex ever reserves. Otherwise "store.snapshot_invalid".
Status CheckHnswGraphFile(const std::string& path, size_t dim, size_t m, size_t ef_construction);

}  // namespace ekyc::store
