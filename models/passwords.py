"""Password hashing with argon2id at or above OWASP ASVS's parameters."""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP ASVS 5 / cheat sheet: argon2id with m >= 46 MiB, t >= 1, p = 1.
PRODUCTION_MEMORY_KIB = 47_104
PRODUCTION_TIME_COST = 1


@dataclass(frozen=True)
class PasswordPolicy:
    """Hash and verify passwords; say when a stored hash needs upgrading."""

    hasher: PasswordHasher

    @classmethod
    def production(cls) -> PasswordPolicy:
        """Build the hasher used everywhere but in the tests."""
        return cls(PasswordHasher(time_cost=PRODUCTION_TIME_COST,
                                  memory_cost=PRODUCTION_MEMORY_KIB, parallelism=1))

    @classmethod
    def fast_for_tests(cls) -> PasswordPolicy:
        """Build a cheap hasher: chosen by the tests' configuration only."""
        return cls(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))

    def hash(self, password: str) -> str:
        """Hash a password; the whole string counts, nothing is truncated or folded."""
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """Check a password against its stored hash."""
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Tell whether the stored hash uses weaker parameters than this policy."""
        try:
            return self.hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True
