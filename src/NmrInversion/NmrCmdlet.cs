using System.Management.Automation;
using NmrInversion.Engine;

namespace NmrInversion.Commands;

/// <summary>
/// Common ground of the module's cmdlets: turning engine exceptions into ErrorRecords with a stable ErrorId and the
/// right ErrorCategory. Engine input errors (<see cref="NmrInputException"/>) keep their ErrorId; the category follows
/// the kind of problem (InvalidArgument for parameters, InvalidData for data, ObjectNotFound for missing files).
/// </summary>
public abstract class NmrCmdlet : PSCmdlet
{
    /// <summary>
    /// The ErrorRecord for an exception thrown while handling <paramref name="target"/>. Every exception gets a stable
    /// ErrorId and a category: an aggregate of one failure (parallel loops, tasks) is that failure; failures of the file
    /// system, of memory and of native code (libtorch) have their own ids; anything else is EngineFailure
    /// (InvalidOperation), never a bare .NET exception.
    /// </summary>
    protected static ErrorRecord ToErrorRecord(Exception e, object? target)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        if (e is NmrInputException nmr)
        {
            var category = nmr.Problem switch
            {
                InputProblem.Data => ErrorCategory.InvalidData,
                InputProblem.NotFound => ErrorCategory.ObjectNotFound,
                _ => ErrorCategory.InvalidArgument,
            };
            return new ErrorRecord(nmr, nmr.ErrorId, category, target);
        }
        return e switch
        {
            Engine.Network.TrainingDivergedException => new ErrorRecord(e, Engine.Network.TrainingDivergedException.ErrorId, ErrorCategory.InvalidResult, target),
            Engine.Network.CheckpointWriteException => new ErrorRecord(e, Engine.Network.CheckpointWriteException.ErrorId, ErrorCategory.WriteError, target),
            OperationCanceledException => new ErrorRecord(e, "OperationStopped", ErrorCategory.OperationStopped, target),
            FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(e, "FileNotFound", ErrorCategory.ObjectNotFound, target),
            UnauthorizedAccessException => new ErrorRecord(e, "FileAccessDenied", ErrorCategory.PermissionDenied, target),
            IOException => new ErrorRecord(e, "FileAccessFailed", ErrorCategory.WriteError, target),
            OutOfMemoryException or InsufficientMemoryException => new ErrorRecord(e, "OutOfMemory", ErrorCategory.ResourceUnavailable, target),
            System.Runtime.InteropServices.ExternalException => new ErrorRecord(e, "NativeFailure", ErrorCategory.InvalidOperation, target),
            _ => new ErrorRecord(e, "EngineFailure", ErrorCategory.InvalidOperation, target),
        };
    }

    /// <summary>
    /// Writes each warning as a PowerShell warning that starts with its stable id in brackets ("[EdgeMass] ..."); the
    /// objects themselves travel on the result (its Warnings property) for scripts.
    /// </summary>
    protected void WriteWarnings(IEnumerable<NmrWarning> warnings, string? subject = null)
    {
        foreach (var w in warnings)
            WriteWarning(subject is null ? $"[{w.Id}] {w.Message}" : $"[{w.Id}] {subject}: {w.Message}");
    }

    /// <summary>Stops the pipeline with an ErrorRecord for the exception.</summary>
    protected void Terminate(Exception e, object? target) => ThrowTerminatingError(ToErrorRecord(e, target));

    /// <summary>Stops the pipeline with a new input error.</summary>
    protected void Terminate(string errorId, string message, InputProblem problem = InputProblem.Argument, object? target = null) =>
        ThrowTerminatingError(ToErrorRecord(new NmrInputException(errorId, message, problem), target));

    /// <summary>Runs <paramref name="action"/> and turns engine exceptions into terminating errors.</summary>
    protected void Run(Action action, object? target)
    {
        try
        {
            action();
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception e) when (e is not RuntimeException)
        {
            Terminate(e, target);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> for one pipeline item; any failure of it (bad input, a file, memory, native code)
    /// becomes a non-terminating error for that item, so one bad item never stops the others. Cancellation passes through.
    /// </summary>
    protected void RunForItem(Action action, object? target)
    {
        try
        {
            action();
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception e) when (e is not RuntimeException and not OperationCanceledException)
        {
            WriteError(ToErrorRecord(e, target));
        }
    }
}
