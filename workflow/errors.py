"""Domain errors: each carries a message fit to show the user as it is."""


class WorkflowError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionRefused(WorkflowError):
    pass


class NotPermitted(WorkflowError):
    pass


class InvalidInput(WorkflowError):
    pass


class VoteClosed(WorkflowError):
    pass
