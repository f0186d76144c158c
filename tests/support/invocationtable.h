#pragma once
// Tests ask SQL questions of what the store recorded. Invocations are stored packed in
// blocks (store/blocks.h); this decodes every one (store::allInvocations) into a TEMP
// table `invocations` on `conn`, one row per invocation with the columns of schema 3
// (id is the invocation id). Call it again after more writes to refresh. `conn` must be
// writable (temp tables are writes).

namespace funcdesk::store {
class Connection;
}

namespace funcdesk::test {

bool materializeInvocations(store::Connection &conn);

} // namespace funcdesk::test
