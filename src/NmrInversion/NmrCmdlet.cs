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
    /// <summary>The ErrorRecord for an exception thrown while handling <paramref name="target"/>.</summary>
    protected static ErrorRecord ToErrorRecord(Exception e, object? target)
    {
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
        if (e is Engine.Network.TrainingDivergedException)
            return new ErrorRecord(e, Engine.Network.TrainingDivergedException.ErrorId, ErrorCategory.InvalidResult, target);
        if (e is OperationCanceledException)
            return new ErrorRecord(e, "OperationStopped", ErrorCategory.OperationStopped, target);
        if (e is IOException or UnauthorizedAccessException)
            return new ErrorRecord(e, "FileAccessFailed", ErrorCategory.WriteError, target);
        return new ErrorRecord(e, "EngineFailure", ErrorCategory.NotSpecified, target);
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
        catch (Exception e) when (e is NmrInputException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Terminate(e, target);
        }
    }

    /// <summary>Runs <paramref name="action"/> for one pipeline item; an input error becomes a non-terminating error for that item.</summary>
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
        catch (Exception e) when (e is NmrInputException or ArgumentException or InvalidOperationException or IOException)
        {
            WriteError(ToErrorRecord(e, target));
        }
    }
}
