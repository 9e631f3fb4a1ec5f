extension Sync {
    /// The organisation's shared store, or nil without `[store] url`. Made once per run and not
    /// connected until first used, so a sync that makes no call never reaches the database.
    public func sharedStore() throws(AutodevError) -> PostgresStore? {
        if let postgres { return postgres }
        guard let settings = StoreSettings(config: config, repository: repository) else { return nil }
        let store = PostgresStore(settings: settings, password: try settings.password(environment: environment))
        store.whileReserving = { [unowned self] in step(.storeReserving) }
        postgres = store
        return store
    }
}
