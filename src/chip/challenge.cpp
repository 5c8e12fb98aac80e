// Active authentication nonces: 8 random bytes from OpenSSL's CSPRNG, kept in memory until used
// once or expired. Bound to the API key that asked, so one client cannot spend another's.
#include <openssl/rand.h>

#include <ctime>

#include "chip/chip.h"
#include "chip/ossl.h"
#include "core/ids.h"

namespace ekyc::chip {

ChallengeStore::ChallengeStore(Options options) : options_(options) {}

void ChallengeStore::PurgeLocked(std::chrono::steady_clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
  }
}

Result<ChallengeStore::Issued> ChallengeStore::Issue(const std::string& owner) {
  unsigned char nonce[8];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    ossl::ClearErrors();
    return Internal("chip.internal", "no random bytes for the challenge");
  }
  Issued out;
  out.id = RandomHex(16);
  out.challenge.assign(reinterpret_cast<const char*>(nonce), sizeof nonce);
  const auto now = std::chrono::steady_clock::now();
  out.expires_at = static_cast<int64_t>(std::time(nullptr)) + options_.lifetime.count();
  std::lock_guard lock(mu_);
  if (entries_.size() >= options_.max_outstanding) PurgeLocked(now);
  if (entries_.size() >= options_.max_outstanding) {
    return ResourceExhausted(
        "chip.challenge_store_full",
        "too many active authentication challenges are outstanding; retry later");
  }
  entries_[out.id] = Entry{out.challenge, owner, now + options_.lifetime};
  return out;
}

Result<std::string> ChallengeStore::Take(const std::string& id, const std::string& owner) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  const auto now = std::chrono::steady_clock::now();
  if (it == entries_.end() || it->second.owner != owner) {
    return InvalidArgument(
        "chip.challenge_unknown",
        "aa_challenge_id is unknown: never issued to this API key, already used or "
        "expired; ask /call/chip_challenge for a new one");
  }
  Entry e = std::move(it->second);
  entries_.erase(it);  // single use, whatever happens next
  if (e.expires <= now) {
    return InvalidArgument("chip.challenge_unknown",
                           "aa_challenge_id expired; ask /call/chip_challenge for a new one");
  }
  return e.challenge;
}

size_t ChallengeStore::outstanding() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ekyc::chip
