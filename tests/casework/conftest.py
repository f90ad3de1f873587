"""The vault tests' fixtures: the fast test KDF and no OS keyring."""

from tests.vault.conftest import fast_kdf_and_no_keyring as fast_kdf_and_no_keyring
