using Customers.Server.Storage;
using Microsoft.Extensions.Options;

namespace Customers.Server.Tests.Storage;

/// <summary>
/// What every repository must do, run unchanged against each provider (SQLite and PostgreSQL):
/// the subclasses only say how to get a fresh, migrated store.
/// </summary>
public abstract partial class CustomerStoreContract
{
    protected ManualClock Clock { get; } = new();

    /// <summary>Fingerprints under a key of this run, as a deployed instance makes them.</summary>
    protected static IdempotencyFingerprints Fingerprints { get; } = new(Options.Create(new IdempotencyOptions
    {
        FingerprintKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    }));

    /// <summary>Settings of a fresh database of the provider.</summary>
    protected abstract Task<Dictionary<string, string?>> NewDatabaseAsync();

    /// <summary>Runs SQL on the database of <paramref name="settings"/>, as an operator would; returns the first value.</summary>
    protected abstract Task<object?> SqlAsync(Dictionary<string, string?> settings, string sql);

    /// <summary>Takes the lock the provider's migrator takes (PostgreSQL's advisory lock, SQLite's write lock) until disposed.</summary>
    protected abstract Task<IAsyncDisposable> HoldMigrationLockAsync(Dictionary<string, string?> settings);

    protected async Task<StoreHost> StartAsync() => await StoreHost.StartAsync(await NewDatabaseAsync(), Clock);

    /// <summary>The instances are made to overlap: they start while the migration lock is held, must wait, and then leave one history.</summary>
    [SkippableFact]
    public async Task Instances_that_start_while_another_migrates_wait_and_apply_each_migration_once()
    {
        var settings = await NewDatabaseAsync();
        var held = await HoldMigrationLockAsync(settings);
        var starting = Enumerable.Range(0, 3).Select(_ => Task.Run(() => StoreHost.StartAsync(settings, Clock))).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.All(starting, s => Assert.False(s.IsCompleted, "An instance started while the migration lock was held."));
        await held.DisposeAsync();
        var hosts = await Task.WhenAll(starting).WaitAsync(TimeSpan.FromSeconds(30));

        var applied = await SqlAsync(settings, "SELECT COUNT(*) FROM schema_migrations;");
        Assert.Equal(await SqlAsync(settings, "SELECT COUNT(DISTINCT version) FROM schema_migrations;"), applied);
        Assert.True(Convert.ToInt64(applied, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        foreach (var host in hosts)
        {
            await CreateCustomerAsync(host.Store, "telco");
            await host.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Keys_stored_under_the_old_rule_are_recomputed_and_a_look_alike_of_them_is_taken()
    {
        var settings = await NewDatabaseAsync();
        Guid customer;
        await using (var host = await StoreHost.StartAsync(settings, Clock))
        {
            customer = await CreateCustomerAsync(host.Store, "telco");
            await CreateCredentialAsync(host.Store, "telco", customer, "legacy@example.com");
        }

        // As the NFKC + lower-case rule stored them: an invisible code point and a final sigma kept apart.
        await SqlAsync(settings, "UPDATE credentials SET username = 'Alice\u200B@example.com', username_key = 'alice\u200B@example.com';");
        await SqlAsync(settings, "DELETE FROM username_key_basis;");

        await using var restarted = await StoreHost.StartAsync(settings, Clock);
        var other = await CreateCustomerAsync(restarted.Store, "telco");
        Assert.Equal(CreateOutcome.UsernameTaken, (await restarted.Store.CreateCredentialAsync("telco", other, "alice@example.com", null, default)).Outcome);
        Assert.Equal(["Alice\u200B@example.com"], (await restarted.Store.ListCredentialsAsync("telco", customer, default))!.Select(c => c.Username));
    }

    [SkippableFact]
    public async Task Stored_usernames_that_collide_under_the_new_rule_stop_the_start_and_are_listed_unchanged()
    {
        var settings = await NewDatabaseAsync();
        CredentialRecord sigma, finalSigma;
        Guid a;
        await using (var host = await StoreHost.StartAsync(settings, Clock))
        {
            a = await CreateCustomerAsync(host.Store, "telco");
            var b = await CreateCustomerAsync(host.Store, "telco");
            sigma = await CreateCredentialAsync(host.Store, "telco", a, "ΟΔΟΣ@x.gr");
            finalSigma = await CreateCredentialAsync(host.Store, "telco", b, "placeholder@x.gr");
        }

        // The old rule (lower case) kept "οδοσ" and "οδος" apart, so both could be stored.
        await SqlAsync(settings, "UPDATE credentials SET username = 'οδος@x.gr', username_key = 'οδος@x.gr' WHERE username = 'placeholder@x.gr';");
        await SqlAsync(settings, "UPDATE credentials SET username_key = 'οδοσ@x.gr' WHERE username = 'ΟΔΟΣ@x.gr';");
        await SqlAsync(settings, "DELETE FROM username_key_basis;");

        var failure = await Assert.ThrowsAsync<UsernameKeyCollisionException>(() => StoreHost.StartAsync(settings, Clock));
        Assert.Contains(sigma.Id.ToString(), failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(finalSigma.Id.ToString(), failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("οδος", failure.Message, StringComparison.Ordinal); // ids, not personal data

        // Nothing merged, dropped or half-changed: both rows keep their old keys after the failed start.
        Assert.Equal(1L, await SqlAsync(settings, "SELECT COUNT(*) FROM credentials WHERE username_key = 'οδοσ@x.gr';"));
        Assert.Equal(1L, await SqlAsync(settings, "SELECT COUNT(*) FROM credentials WHERE username_key = 'οδος@x.gr';"));
        await SqlAsync(settings, "DELETE FROM credentials WHERE username = 'οδος@x.gr';");
        await using var host2 = await StoreHost.StartAsync(settings, Clock);
        var remaining = await host2.Store.ListCredentialsAsync("telco", a, default);
        Assert.Equal(["ΟΔΟΣ@x.gr"], remaining!.Select(c => c.Username));
    }

    [SkippableFact]
    public async Task Credentials_are_created_listed_oldest_first_and_deleted()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");

        var first = await CreateCredentialAsync(store, "telco", customer, "first@example.com");
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await CreateCredentialAsync(store, "telco", customer, "second@example.com");

        var listed = await store.ListCredentialsAsync("telco", customer, default);
        Assert.Equal([first, second], listed);
        Assert.Equal(DeleteCredentialOutcome.Deleted, await store.DeleteCredentialAsync("telco", customer, first.Id, default));
        Assert.Equal([second], await store.ListCredentialsAsync("telco", customer, default));
    }

    [SkippableFact]
    public async Task Timestamps_are_kept_to_the_microsecond_and_read_back_equal()
    {
        await using var host = await StartAsync();
        var customer = await CreateCustomerAsync(host.Store, "telco");

        var created = await CreateCredentialAsync(host.Store, "telco", customer, "time@example.com");

        Assert.Equal(0, created.CreatedAt.UtcTicks % 10);
        Assert.Equal(created.CreatedAt, Assert.Single((await host.Store.ListCredentialsAsync("telco", customer, default))!).CreatedAt);
        var stored = await host.Store.GetCustomerAsync("telco", customer, default);
        Assert.Equal(TimeSpan.Zero, stored!.CreatedAt.Offset);
    }

    [SkippableFact]
    public async Task Usernames_are_unique_per_org_after_case_and_unicode_folding()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var a = await CreateCustomerAsync(store, "telco");
        var b = await CreateCustomerAsync(store, "telco");
        var other = await CreateCustomerAsync(store, "other");
        await CreateCredentialAsync(store, "telco", a, "Alice@Example.com");

        Assert.Equal(CreateOutcome.UsernameTaken, (await store.CreateCredentialAsync("telco", b, "alice@example.COM", null, default)).Outcome);
        Assert.Equal(CreateOutcome.UsernameTaken, (await store.CreateCredentialAsync("telco", b, "ａｌｉｃｅ@example.com", null, default)).Outcome);
        Assert.Equal(CreateOutcome.Created, (await store.CreateCredentialAsync("other", other, "alice@example.com", null, default)).Outcome);
        Assert.Empty((await store.ListCredentialsAsync("telco", b, default))!);
    }

    [SkippableFact]
    public async Task Customers_belong_to_their_org()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "org-a", "CRM-1");

        Assert.Equal("CRM-1", (await store.GetCustomerAsync("org-a", customer, default))!.ExternalId);
        Assert.Null(await store.GetCustomerAsync("org-b", customer, default));
        Assert.Null(await store.ListCredentialsAsync("org-b", customer, default));
        Assert.Equal(CreateOutcome.CustomerNotFound, (await store.CreateCredentialAsync("org-b", customer, "x@example.com", null, default)).Outcome);
        Assert.Equal(DeleteCredentialOutcome.CustomerNotFound, await store.DeleteCredentialAsync("org-b", customer, Guid.NewGuid(), default));
        Assert.Equal(DeleteCredentialOutcome.CredentialNotFound, await store.DeleteCredentialAsync("org-a", customer, Guid.NewGuid(), default));
    }

    [SkippableFact]
    public async Task A_repeated_key_replays_the_first_creation_and_creates_nothing()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");
        var key = Fingerprints.For("key-1", "createCredential", customer.ToString(), "replay@example.com");

        var first = await store.CreateCredentialAsync("telco", customer, "replay@example.com", key, default);
        Clock.Advance(TimeSpan.FromHours(23));
        var again = await store.CreateCredentialAsync("telco", customer, "replay@example.com", key, default);

        Assert.Equal(CreateOutcome.Created, first.Outcome);
        Assert.Equal(CreateOutcome.Replayed, again.Outcome);
        Assert.Equal(first.Credential, again.Credential);
        Assert.Single((await store.ListCredentialsAsync("telco", customer, default))!);
    }

    [SkippableFact]
    public async Task A_key_used_for_another_request_is_refused_and_changes_nothing()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");
        await store.CreateCredentialAsync("telco", customer, "one@example.com", Fingerprints.For("key-2", "createCredential", customer.ToString(), "one@example.com"), default);

        var reused = await store.CreateCredentialAsync("telco", customer, "two@example.com", Fingerprints.For("key-2", "createCredential", customer.ToString(), "two@example.com"), default);
        var otherOrg = await CreateCustomerAsync(store, "other");
        var sameKeyOtherOrg = await store.CreateCredentialAsync("other", otherOrg, "two@example.com", Fingerprints.For("key-2", "createCredential", otherOrg.ToString(), "two@example.com"), default);

        Assert.Equal(CreateOutcome.KeyReused, reused.Outcome);
        Assert.Equal(["one@example.com"], (await store.ListCredentialsAsync("telco", customer, default))!.Select(c => c.Username));
        Assert.Equal(CreateOutcome.Created, sameKeyOtherOrg.Outcome);
    }

    [SkippableFact]
    public async Task A_key_expires_after_24_hours()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var key = Fingerprints.For("key-3", "createCustomer", "CRM-9");

        var first = await store.CreateCustomerAsync("telco", "CRM-9", key, default);
        Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var later = await store.CreateCustomerAsync("telco", "CRM-9", key, default);

        Assert.Equal(CreateOutcome.Created, later.Outcome);
        Assert.NotEqual(first.Customer!.Id, later.Customer!.Id);
    }

    [SkippableFact]
    public async Task The_purge_deletes_expired_keys_and_keeps_the_others()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        await store.CreateCustomerAsync("telco", "CRM-old", Fingerprints.For("old", "createCustomer", "CRM-old"), default);
        Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var fresh = Fingerprints.For("fresh", "createCustomer", "CRM-new");
        var created = await store.CreateCustomerAsync("other", "CRM-new", fresh, default);

        Assert.Equal(1, await store.PurgeExpiredKeysAsync(100, default));
        Assert.Equal(0, await store.PurgeExpiredKeysAsync(100, default));
        var replayed = await store.CreateCustomerAsync("other", "CRM-new", fresh, default);
        Assert.Equal(CreateOutcome.Replayed, replayed.Outcome);
        Assert.Equal(created.Customer!.Id, replayed.Customer!.Id);
    }

    [SkippableFact]
    public async Task The_same_key_sent_at_once_by_two_instances_creates_one_credential_and_replays_it_to_the_others()
    {
        var settings = await NewDatabaseAsync();
        await using var one = await StoreHost.StartAsync(settings, Clock);
        await using var two = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(one.Store, "telco");
        var key = Fingerprints.For("same-key", "createCredential", "same@example.com");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? one : two).Store.CreateCredentialAsync("telco", customer, "same@example.com", key, default))));

        Assert.Equal(1, results.Count(r => r.Outcome == CreateOutcome.Created));
        Assert.Equal(15, results.Count(r => r.Outcome == CreateOutcome.Replayed));
        Assert.Single(results.Select(r => r.Credential!.Id).Distinct());
        Assert.Single((await one.Store.ListCredentialsAsync("telco", customer, default))!);
    }

    [SkippableFact]
    public async Task A_purge_racing_claims_never_deletes_a_live_key()
    {
        await using var host = await StartAsync();
        using var purging = new CancellationTokenSource();
        var purges = Task.Run(async () =>
        {
            while (!purging.IsCancellationRequested)
            {
                await host.Store.PurgeExpiredKeysAsync(1000, default);
            }
        });

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            (await host.Store.CreateCustomerAsync("telco", $"CRM-live-{i}", Fingerprints.For($"live-{i}", "createCustomer", $"CRM-live-{i}"), default)).Customer!.Id)));
        await purging.CancelAsync();
        await purges;

        for (var i = 0; i < 20; i++)
        {
            var replay = await host.Store.CreateCustomerAsync("telco", $"CRM-live-{i}", Fingerprints.For($"live-{i}", "createCustomer", $"CRM-live-{i}"), default);
            Assert.Equal((CreateOutcome.Replayed, created[i]), (replay.Outcome, replay.Customer!.Id));
        }
    }

    [SkippableFact]
    public async Task Expired_keys_are_purged_a_batch_at_a_time()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < 25; i++)
        {
            await host.Store.CreateCustomerAsync("telco", $"CRM-{i}", Fingerprints.For($"batch-{i}", "createCustomer", $"CRM-{i}"), default);
        }

        Clock.Advance(IdempotencyKey.Lifetime + TimeSpan.FromMinutes(1));

        var batches = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            batches.Add(await host.Store.PurgeExpiredKeysAsync(10, default));
        }

        Assert.Equal([10, 10, 5, 0], batches);
    }

    [SkippableFact]
    public async Task A_failed_creation_does_not_keep_its_key()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");
        await CreateCredentialAsync(store, "telco", customer, "taken@example.com");
        var key = Fingerprints.For("key-4", "createCredential", customer.ToString(), "taken@example.com");

        Assert.Equal(CreateOutcome.UsernameTaken, (await store.CreateCredentialAsync("telco", customer, "taken@example.com", key, default)).Outcome);
        var other = Fingerprints.For("key-4", "createCredential", customer.ToString(), "free@example.com");
        Assert.Equal(CreateOutcome.Created, (await store.CreateCredentialAsync("telco", customer, "free@example.com", other, default)).Outcome);
    }

    /// <summary>
    /// Concurrent writes that the SQLite writer commits in one group, some refused: each refused one
    /// is rolled back alone (its key with it), and the others are stored.
    /// </summary>
    [SkippableFact]
    public async Task Concurrent_creates_refused_and_accepted_side_by_side_keep_only_what_was_accepted()
    {
        await using var host = await StartAsync();
        var store = host.Store;
        var customer = await CreateCustomerAsync(store, "telco");
        IdempotencyKey Key(int i, string username) => Fingerprints.For($"side-{i}", "createCredential", customer.ToString(), username)!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var username = i % 2 == 0 ? "same@example.com" : $"own-{i}@example.com";
            return (i, (await store.CreateCredentialAsync("telco", customer, username, Key(i, username), default)).Outcome);
        })));

        var sameWinner = Assert.Single(outcomes, o => o.i % 2 == 0 && o.Outcome == CreateOutcome.Created).i;
        Assert.All(outcomes.Where(o => o.i % 2 == 0 && o.i != sameWinner), o => Assert.Equal(CreateOutcome.UsernameTaken, o.Outcome));
        Assert.All(outcomes.Where(o => o.i % 2 == 1), o => Assert.Equal(CreateOutcome.Created, o.Outcome));
        Assert.Equal(9, (await store.ListCredentialsAsync("telco", customer, default))!.Count);
        // The refused creates kept no key: each may now be used for another username.
        foreach (var (i, _) in outcomes.Where(o => o.i % 2 == 0 && o.i != sameWinner))
        {
            Assert.Equal(CreateOutcome.Created, (await store.CreateCredentialAsync("telco", customer, $"retry-{i}@example.com", Key(i, $"retry-{i}@example.com"), default)).Outcome);
        }
    }

    [SkippableFact]
    public async Task Ping_answers_when_the_repository_is_up()
    {
        await using var host = await StartAsync();

        await host.Store.PingAsync(default);
    }

    [SkippableFact]
    public async Task A_customer_holds_at_most_the_configured_number_of_credentials()
    {
        var settings = await NewDatabaseAsync();
        settings["Storage:MaxCredentialsPerCustomer"] = "3";
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        var held = new List<CredentialRecord>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await CreateCredentialAsync(host.Store, "telco", customer, $"limit-{i}@example.com"));
        }

        var over = await host.Store.CreateCredentialAsync("telco", customer, "limit-3@example.com", Fingerprints.For("limit-key", "createCredential", "limit-3"), default);
        Assert.Equal(CreateOutcome.CredentialLimitReached, over.Outcome);
        Assert.Equal(3, (await host.Store.ListCredentialsAsync("telco", customer, default))!.Count);

        // Nothing of the refused create stays: neither its key nor its username.
        await host.Store.DeleteCredentialAsync("telco", customer, held[0].Id, default);
        var retried = await host.Store.CreateCredentialAsync("telco", customer, "limit-3@example.com", Fingerprints.For("limit-key", "createCredential", "limit-3"), default);
        Assert.Equal(CreateOutcome.Created, retried.Outcome);
        var other = await CreateCustomerAsync(host.Store, "telco");
        await CreateCredentialAsync(host.Store, "telco", other, "another-customer@example.com");
    }

    [SkippableFact]
    public async Task The_limit_holds_when_two_instances_create_at_the_same_time()
    {
        var settings = await NewDatabaseAsync();
        settings["Storage:MaxCredentialsPerCustomer"] = "5";
        await using var one = await StoreHost.StartAsync(settings, Clock);
        await using var two = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(one.Store, "telco");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
            (await (i % 2 == 0 ? one : two).Store.CreateCredentialAsync("telco", customer, $"race-{i}@example.com", null, default)).Outcome)));

        Assert.Equal(5, outcomes.Count(o => o == CreateOutcome.Created));
        Assert.Equal(19, outcomes.Count(o => o == CreateOutcome.CredentialLimitReached));
        Assert.Equal(5, (await one.Store.ListCredentialsAsync("telco", customer, default))!.Count);
    }

    [SkippableFact]
    public async Task An_organization_holds_at_most_the_configured_number_of_customers()
    {
        var settings = await NewDatabaseAsync();
        settings["Limits:Organization:MaxCustomers"] = "2";
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var key = Fingerprints.For("quota-key", "createCustomer", "first");
        var first = await host.Store.CreateCustomerAsync("telco", "first", key, default);
        await CreateCustomerAsync(host.Store, "telco");

        var over = await host.Store.CreateCustomerAsync("telco", "third", Fingerprints.For("quota-over", "createCustomer", "third"), default);
        var replay = await host.Store.CreateCustomerAsync("telco", "first", key, default);

        Assert.Equal(CreateOutcome.CustomerLimitReached, over.Outcome);
        Assert.Equal(CreateOutcome.Replayed, replay.Outcome); // a replay creates nothing, so it is not refused
        Assert.Equal(first.Customer!.Id, replay.Customer!.Id);
        Assert.Equal(2L, Convert.ToInt64(await SqlAsync(settings, "SELECT COUNT(*) FROM customers WHERE org_id = 'telco'")));
        Assert.Null(await SqlAsync(settings, "SELECT 1 FROM idempotency_keys WHERE org_id = 'telco' AND key = 'quota-over'")); // the refused create kept no key
        await CreateCustomerAsync(host.Store, "another-org"); // each organization has its own quota
    }

    [SkippableFact]
    public async Task The_customer_quota_holds_when_two_instances_create_at_the_same_time()
    {
        var settings = await NewDatabaseAsync();
        settings["Limits:Organization:MaxCustomers"] = "5";
        await using var one = await StoreHost.StartAsync(settings, Clock);
        await using var two = await StoreHost.StartAsync(settings, Clock);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
            (await (i % 2 == 0 ? one : two).Store.CreateCustomerAsync("telco", $"race-{i}", null, default)).Outcome)));

        Assert.Equal(5, outcomes.Count(o => o == CreateOutcome.Created));
        Assert.Equal(19, outcomes.Count(o => o == CreateOutcome.CustomerLimitReached));
        Assert.Equal(5L, Convert.ToInt64(await SqlAsync(settings, "SELECT COUNT(*) FROM customers WHERE org_id = 'telco'")));
    }

    protected static async Task<Guid> CreateCustomerAsync(ICustomerStore store, string org, string? externalId = null)
    {
        var result = await store.CreateCustomerAsync(org, externalId, null, default);
        Assert.Equal(CreateOutcome.Created, result.Outcome);
        return result.Customer!.Id;
    }

    private static async Task<CredentialRecord> CreateCredentialAsync(ICustomerStore store, string org, Guid customer, string username)
    {
        var result = await store.CreateCredentialAsync(org, customer, username, null, default);
        Assert.Equal(CreateOutcome.Created, result.Outcome);
        return result.Credential!;
    }
}
