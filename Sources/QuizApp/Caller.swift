import Store

/// Who a teacher route is answering: the administrator (the server's configured token), or a teacher with an
/// account.
enum Caller: Sendable, Equatable {
    case admin
    case teacher(TeacherRecord)

    /// The teacher's id; nil for the administrator, who owns no class and may open every one.
    var teacherID: String? {
        switch self {
        case .admin: nil
        case .teacher(let record): record.id
        }
    }
}
