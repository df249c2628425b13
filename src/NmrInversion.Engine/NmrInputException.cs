namespace NmrInversion.Engine;

/// <summary>What kind of input was wrong: a parameter value, or the data (signal, axis, file content).</summary>
public enum InputProblem
{
    /// <summary>A parameter value is outside what the method accepts (maps to ErrorCategory.InvalidArgument).</summary>
    Argument,
    /// <summary>Data handed in (a signal, an axis, a distribution, a file) is malformed (maps to ErrorCategory.InvalidData).</summary>
    Data,
    /// <summary>A file or model does not exist (maps to ErrorCategory.ObjectNotFound).</summary>
    NotFound,
}

/// <summary>
/// Bad input detected by the engine. Carries a stable <see cref="ErrorId"/> that scripts and tests
/// may rely on, and the kind of problem so that the cmdlets can choose the PowerShell error category.
/// </summary>
public sealed class NmrInputException : ArgumentException
{
    public NmrInputException(string errorId, string message, InputProblem problem = InputProblem.Argument, string? paramName = null)
        : base(message, paramName)
    {
        ErrorId = errorId;
        Problem = problem;
    }

    /// <summary>Stable identifier, for example <c>AxisNotIncreasing</c>.</summary>
    public string ErrorId { get; }

    /// <summary>Whether an argument, the data, or a missing object is at fault.</summary>
    public InputProblem Problem { get; }

    public override string Message => base.Message;
}
